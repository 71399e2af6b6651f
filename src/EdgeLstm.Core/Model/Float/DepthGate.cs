namespace EdgeLstm.Core.Model;

/// <summary>
/// The depth gate of a depth-gated LSTM layer (Yao et al. 2015, eq. for d_t^{L+1}), float32:
/// W [H, I] on the layer's input (the lower layer's h), a bias, and two elementwise weights: on
/// the layer's own previous cell (w_cd) and on the lower layer's current cell (w_ld).
/// </summary>
public sealed class DepthGate
{
    public DepthGate(int inputSize, int hiddenSize)
    {
        W = new float[hiddenSize * inputSize];
        Bias = new float[hiddenSize];
        CellWeights = new float[hiddenSize];
        LowerCellWeights = new float[hiddenSize];
    }

    public float[] W { get; }
    public float[] Bias { get; }
    public float[] CellWeights { get; }
    public float[] LowerCellWeights { get; }

    public long ParameterCount => W.Length + Bias.Length + CellWeights.Length + LowerCellWeights.Length;
}
