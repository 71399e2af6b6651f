using static EdgeLstm.Core.Float.FloatMath;

namespace EdgeLstm.Core.Cells.Mut1;

/// <summary>
/// MUT1's float step (<see cref="Mut1Cell"/>): z = σ(clip(W_z x + Wb_z + Rb_z)), r = σ(clip(W_r x +
/// Wb_r + Rb_r + R_r h)), candidate = tanh(clip(R_h (r ⊙ h) + Wb_h + Rb_h + tanh(x̃))) with x̃ = W_h x
/// (the cyclic map, exact), h = (1 - z) ⊙ candidate + z ⊙ h.
/// </summary>
internal sealed class Mut1FloatStep(RecurrentLayer layer) : FloatCellStep(layer)
{
    private readonly float[] _input = new float[layer.Rows];                // W x: z, r, then x̃
    private readonly float[] _recurrent = new float[2 * layer.HiddenSize];  // R_r h, then R_h (r ⊙ h)
    private readonly float[] _resetHidden = new float[layer.HiddenSize];    // r ⊙ h

    public override void Step(ReadOnlySpan<float> x)
    {
        var l = Layer;
        int hs = l.HiddenSize;
        Array.Clear(_input);
        MatVecAdd(l.W, x, _input);
        Array.Clear(_recurrent);
        var recurrentR = _recurrent.AsSpan(0, hs);
        var recurrentH = _recurrent.AsSpan(hs, hs);
        MatVecAdd(l.R.AsSpan(Gates.GruReset * hs * hs, hs * hs), Hidden, recurrentR);
        for (int k = 0; k < hs; k++)
        {
            int row = Gates.GruReset * hs + k;
            _resetHidden[k] = Sigmoid(Clip(_input[row] + l.Wb[row] + l.Rb[row] + recurrentR[k], l.Clip)) * Hidden[k];
        }
        MatVecAdd(l.R.AsSpan(Gates.GruHidden * hs * hs, hs * hs), _resetHidden, recurrentH);
        for (int k = 0; k < hs; k++)
        {
            int zRow = Gates.GruUpdate * hs + k, hRow = Gates.GruHidden * hs + k;
            float z = Sigmoid(Clip(_input[zRow] + l.Wb[zRow] + l.Rb[zRow], l.Clip));
            float candidate = MathF.Tanh(Clip(recurrentH[k] + l.Wb[hRow] + l.Rb[hRow] + MathF.Tanh(_input[hRow]), l.Clip));
            Hidden[k] = (1f - z) * candidate + z * Hidden[k];
        }
    }
}
