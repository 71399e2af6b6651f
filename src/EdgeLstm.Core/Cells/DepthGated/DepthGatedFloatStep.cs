using static EdgeLstm.Core.Float.FloatMath;

namespace EdgeLstm.Core.Cells.DepthGated;

/// <summary>
/// The depth-gated LSTM's float step (Yao et al. 2015): the LSTM gates (no peepholes, no coupling:
/// the definition refuses them), the depth gate d = σ(clip(W_d x + b_d + w_cd ⊙ c_prev + w_ld ⊙
/// c_lower)) over the lower layer's new cell, c = f ⊙ c_prev + i ⊙ g + d ⊙ c_lower, h = o ⊙ tanh(c).
/// </summary>
internal sealed class DepthGatedFloatStep(RecurrentLayer layer, FloatCellStep lower) : GateSumsFloatStep(layer)
{
    private readonly float[] _depthPre = new float[layer.HiddenSize]; // W_d x + b_d

    public override void Step(ReadOnlySpan<float> x)
    {
        var l = Layer;
        StartSums(x);
        AddRecurrent(0, 4, Hidden);
        var depth = l.Depth!;
        depth.Bias.CopyTo(_depthPre, 0);
        MatVecAdd(depth.W, x, _depthPre);
        var lowerCell = lower.Cell;
        for (int k = 0; k < l.HiddenSize; k++)
        {
            float c = Cell[k];
            float i = Sigmoid(Clip(Sum(Gates.LstmInput, k), l.Clip));
            float f = Sigmoid(Clip(Sum(Gates.LstmForget, k), l.Clip));
            float g = MathF.Tanh(Clip(Sum(Gates.LstmCell, k), l.Clip));
            float cNew = f * c + i * g;
            float cl = lowerCell[k];
            float d = Sigmoid(Clip(_depthPre[k] + depth.CellWeights[k] * c + depth.LowerCellWeights[k] * cl, l.Clip));
            cNew += d * cl;
            float o = Sigmoid(Clip(Sum(Gates.LstmOutput, k), l.Clip));
            Cell[k] = cNew;
            Hidden[k] = o * MathF.Tanh(cNew);
        }
    }
}
