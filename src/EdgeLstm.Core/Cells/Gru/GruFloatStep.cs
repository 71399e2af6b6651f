using EdgeLstm.Core.Float;
using EdgeLstm.Core.Model;
using static EdgeLstm.Core.Float.FloatMath;

namespace EdgeLstm.Core.Cells.Gru;

/// <summary>
/// The GRU's float step (ONNX GRU): z, r from W x + Wb + R h + Rb; the candidate with the reset
/// gate after the recurrent product (linear_before_reset = 1) or on h before it (0);
/// h = (1 - z) ⊙ candidate + z ⊙ h.
/// </summary>
internal sealed class GruFloatStep(RecurrentLayer layer) : FloatCellStep(layer)
{
    private readonly float[] _gates = new float[layer.Rows];      // W x + Wb
    private readonly float[] _recurrent = new float[layer.Rows];  // R h + Rb, the candidate's part kept apart
    private readonly float[] _resetHidden = new float[layer.HiddenSize]; // r ⊙ h (linear_before_reset = 0)

    public override void Step(ReadOnlySpan<float> x)
    {
        var l = Layer;
        int hs = l.HiddenSize;
        l.Wb.CopyTo(_gates, 0);
        MatVecAdd(l.W, x, _gates);
        l.Rb.CopyTo(_recurrent, 0);
        var rz = l.R.AsSpan(0, 2 * hs * hs);
        MatVecAdd(rz, Hidden, _recurrent.AsSpan(0, 2 * hs));
        var rh = l.R.AsSpan(2 * hs * hs, hs * hs);
        var recurrentH = _recurrent.AsSpan(2 * hs, hs);
        if (l.LinearBeforeReset)
        {
            MatVecAdd(rh, Hidden, recurrentH);
        }
        else
        {
            for (int k = 0; k < hs; k++)
                _resetHidden[k] = Sigmoid(Clip(_gates[hs + k] + _recurrent[hs + k], l.Clip)) * Hidden[k];
            MatVecAdd(rh, _resetHidden, recurrentH);
        }
        for (int k = 0; k < hs; k++)
        {
            float z = Sigmoid(Clip(_gates[k] + _recurrent[k], l.Clip));
            float r = Sigmoid(Clip(_gates[hs + k] + _recurrent[hs + k], l.Clip));
            float zh = l.LinearBeforeReset
                ? _gates[2 * hs + k] + r * recurrentH[k]
                : _gates[2 * hs + k] + recurrentH[k];
            float candidate = MathF.Tanh(Clip(zh, l.Clip));
            Hidden[k] = (1f - z) * candidate + z * Hidden[k];
        }
    }
}
