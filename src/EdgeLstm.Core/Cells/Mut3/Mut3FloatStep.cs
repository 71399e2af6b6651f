using EdgeLstm.Core.Float;
using EdgeLstm.Core.Model;
using static EdgeLstm.Core.Float.FloatMath;

namespace EdgeLstm.Core.Cells.Mut3;

/// <summary>
/// MUT3's float step (<see cref="Mut3Cell"/>): z = σ(clip(W_z x + Wb_z + R_z tanh(h) + Rb_z)),
/// r = σ(clip(W_r x + Wb_r + R_r h + Rb_r)), candidate = tanh(clip(W_h x + Wb_h + R_h (r ⊙ h) + Rb_h)),
/// h = (1 - z) ⊙ candidate + z ⊙ h.
/// </summary>
internal sealed class Mut3FloatStep(RecurrentLayer layer) : FloatCellStep(layer)
{
    private readonly float[] _gates = new float[layer.Rows];      // W x + Wb
    private readonly float[] _recurrent = new float[layer.Rows];  // R_z tanh(h), R_r h, R_h (r ⊙ h), + Rb
    private readonly float[] _tanhHidden = new float[layer.HiddenSize];  // tanh(h)
    private readonly float[] _resetHidden = new float[layer.HiddenSize]; // r ⊙ h

    public override void Step(ReadOnlySpan<float> x)
    {
        var l = Layer;
        int hs = l.HiddenSize;
        l.Wb.CopyTo(_gates, 0);
        MatVecAdd(l.W, x, _gates);
        l.Rb.CopyTo(_recurrent, 0);
        for (int k = 0; k < hs; k++) _tanhHidden[k] = MathF.Tanh(Hidden[k]);
        MatVecAdd(l.R.AsSpan(0, hs * hs), _tanhHidden, _recurrent.AsSpan(0, hs));
        MatVecAdd(l.R.AsSpan(hs * hs, hs * hs), Hidden, _recurrent.AsSpan(hs, hs));
        for (int k = 0; k < hs; k++)
            _resetHidden[k] = Sigmoid(Clip(_gates[hs + k] + _recurrent[hs + k], l.Clip)) * Hidden[k];
        var recurrentH = _recurrent.AsSpan(2 * hs, hs);
        MatVecAdd(l.R.AsSpan(2 * hs * hs, hs * hs), _resetHidden, recurrentH);
        for (int k = 0; k < hs; k++)
        {
            float z = Sigmoid(Clip(_gates[k] + _recurrent[k], l.Clip));
            float candidate = MathF.Tanh(Clip(_gates[2 * hs + k] + recurrentH[k], l.Clip));
            Hidden[k] = (1f - z) * candidate + z * Hidden[k];
        }
    }
}
