using EdgeLstm.Core.Float;
using EdgeLstm.Core.Model;
using static EdgeLstm.Core.Float.FloatMath;

namespace EdgeLstm.Core.Cells.DepthGated;

/// <summary>
/// The depth-gated LSTM's float step (Yao et al. 2015): the LSTM gates (no peepholes, no coupling:
/// the definition refuses them), the depth gate d = σ(clip(W_d x + b_d + w_cd ⊙ c_prev + w_ld ⊙
/// c_lower)) over the lower layer's new cell, c = f ⊙ c_prev + i ⊙ g + d ⊙ c_lower, h = o ⊙ tanh(c).
/// </summary>
internal sealed class DepthGatedFloatStep(RecurrentLayer layer, FloatCellStep lower) : FloatCellStep(layer)
{
    private readonly float[] _gates = new float[layer.Rows];      // W x + Wb
    private readonly float[] _recurrent = new float[layer.Rows];  // R h + Rb
    private readonly float[] _depthPre = new float[layer.HiddenSize]; // W_d x + b_d

    public override void Step(ReadOnlySpan<float> x)
    {
        var l = Layer;
        int hs = l.HiddenSize;
        l.Wb.CopyTo(_gates, 0);
        MatVecAdd(l.W, x, _gates);
        l.Rb.CopyTo(_recurrent, 0);
        var depth = l.Depth!;
        depth.Bias.CopyTo(_depthPre, 0);
        MatVecAdd(depth.W, x, _depthPre);
        MatVecAdd(l.R, Hidden, _recurrent);
        var lowerCell = lower.Cell;
        for (int k = 0; k < hs; k++)
        {
            float c = Cell[k];
            float zi = _gates[Gates.LstmInput * hs + k] + _recurrent[Gates.LstmInput * hs + k];
            float zf = _gates[Gates.LstmForget * hs + k] + _recurrent[Gates.LstmForget * hs + k];
            float zo = _gates[Gates.LstmOutput * hs + k] + _recurrent[Gates.LstmOutput * hs + k];
            float zc = _gates[Gates.LstmCell * hs + k] + _recurrent[Gates.LstmCell * hs + k];
            float i = Sigmoid(Clip(zi, l.Clip));
            float f = Sigmoid(Clip(zf, l.Clip));
            float g = MathF.Tanh(Clip(zc, l.Clip));
            float cNew = f * c + i * g;
            float cl = lowerCell[k];
            float d = Sigmoid(Clip(_depthPre[k] + depth.CellWeights[k] * c + depth.LowerCellWeights[k] * cl, l.Clip));
            cNew += d * cl;
            float o = Sigmoid(Clip(zo, l.Clip));
            Cell[k] = cNew;
            Hidden[k] = o * MathF.Tanh(cNew);
        }
    }
}
