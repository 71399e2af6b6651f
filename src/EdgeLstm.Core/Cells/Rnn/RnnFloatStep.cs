using EdgeLstm.Core.Float;
using EdgeLstm.Core.Model;
using static EdgeLstm.Core.Float.FloatMath;

namespace EdgeLstm.Core.Cells.Rnn;

/// <summary>The Elman RNN's float step: h = tanh(clip(W x + Wb + R h + Rb)), the two sums formed apart and added.</summary>
internal sealed class RnnFloatStep(RecurrentLayer layer) : FloatCellStep(layer)
{
    private readonly float[] _gates = new float[layer.Rows];      // W x + Wb
    private readonly float[] _recurrent = new float[layer.Rows];  // R h + Rb

    public override void Step(ReadOnlySpan<float> x)
    {
        var l = Layer;
        l.Wb.CopyTo(_gates, 0);
        MatVecAdd(l.W, x, _gates);
        l.Rb.CopyTo(_recurrent, 0);
        MatVecAdd(l.R, Hidden, _recurrent);
        for (int k = 0; k < Hidden.Length; k++)
            Hidden[k] = MathF.Tanh(Clip(_gates[k] + _recurrent[k], l.Clip));
    }
}
