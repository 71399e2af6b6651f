using static EdgeLstm.Core.Float.FloatMath;

namespace EdgeLstm.Core.Cells.Clockwork;

/// <summary>
/// The Clockwork RNN's float step: the modules due at this step (t mod T_i = 0, t counted from
/// the last reset) in order, fastest first; module i reads modules i.. only, which this step has
/// not rewritten yet, so updating in place is exact once a module's new values are complete.
/// </summary>
internal sealed class ClockworkFloatStep(RecurrentLayer layer) : FloatCellStep(layer)
{
    private readonly float[] _module = new float[layer.HiddenSize]; // a module's new h
    private long _step;                                               // steps since the last reset

    public override void Reset()
    {
        base.Reset();
        _step = 0;
    }

    public override void Step(ReadOnlySpan<float> x)
    {
        var l = Layer;
        int hs = l.HiddenSize, k = l.ModuleSize, inputs = l.InputSize;
        var periods = l.Periods!;
        for (int m = 0; m < periods.Length; m++)
        {
            if (!ClockworkCost.Runs(_step, periods[m])) continue;
            int first = m * k;
            for (int r = first; r < first + k; r++)
            {
                float z = l.Wb[r] + l.Rb[r];
                z += Dot(l.W.AsSpan(r * inputs, inputs), x);
                z += Dot(l.R.AsSpan(r * hs + first, hs - first), Hidden.AsSpan(first));
                _module[r - first] = MathF.Tanh(Clip(z, l.Clip));
            }
            _module.AsSpan(0, k).CopyTo(Hidden.AsSpan(first, k));
        }
        _step++;
    }
}
