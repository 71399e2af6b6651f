namespace EdgeLstm.Core.Model;

/// <summary>
/// The integer form of <see cref="AttentionPooling"/> (docs/attention.md). W is int8 per row,
/// its requantizers take W h (h in Q15) to the Q3.12 pre-activation, Bias is Q3.12; tanh by the
/// engine's table gives Q15; V is one int8 row whose requantizer takes v · tanh(.) to a Q.12
/// score. The softmax and the pooling have no parameters: their formats are fixed.
/// </summary>
public sealed class QuantizedAttention : IAttentionShape
{
    public QuantizedAttention(int steps, QuantizedMatrix w, int[] bias, QuantizedMatrix v)
    {
        if (bias.Length != w.Rows) throw new ArgumentException("one attention bias per row of W expected");
        if (v.Rows != 1 || v.Cols != w.Rows) throw new ArgumentException($"attention v is {v.Rows}x{v.Cols}, expected 1x{w.Rows}");
        (Steps, W, Bias, V) = (steps, w, bias, v);
    }

    public int Steps { get; }
    public QuantizedMatrix W { get; }
    public int[] Bias { get; }
    public QuantizedMatrix V { get; }
    public int HiddenSize => W.Cols;
    public int Size => W.Rows;

    public long WeightBytes => W.Values.Length + V.Values.Length + 12L * Size + 12;

    public AttentionPooling Dequantize()
    {
        var a = new AttentionPooling(HiddenSize, Size, Steps);
        W.Dequantize().CopyTo(a.W, 0);
        V.Dequantize().CopyTo(a.V, 0);
        for (int r = 0; r < Size; r++) a.B[r] = Bias[r] / (float)(1 << QFormats.PreFracBits);
        return a;
    }
}
