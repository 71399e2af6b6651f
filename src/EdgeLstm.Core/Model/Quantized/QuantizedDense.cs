namespace EdgeLstm.Core.Model;

/// <summary>The integer head: int8 weights per row, Q.12 int32 biases and logits.</summary>
public sealed class QuantizedDense : IHeadShape
{
    public QuantizedDense(QuantizedMatrix w, int[] bias)
    {
        if (bias.Length != w.Rows) throw new ArgumentException("one bias per output expected");
        (W, Bias) = (w, bias);
    }

    public QuantizedMatrix W { get; }
    public int[] Bias { get; }
    public int InputSize => W.Cols;
    public int OutputSize => W.Rows;

    public DenseLayer Dequantize()
    {
        var d = new DenseLayer(InputSize, OutputSize);
        W.Dequantize().CopyTo(d.W, 0);
        for (int r = 0; r < OutputSize; r++) d.B[r] = Bias[r] / 4096f;
        return d;
    }
}
