using static EdgeLstm.Core.Float.FloatMath;

namespace EdgeLstm.Core.Cells.Rnn;

/// <summary>The Elman RNN's float step: h = tanh(clip(W x + Wb + R h + Rb)), the two sums formed apart and added.</summary>
internal sealed class RnnFloatStep(RecurrentLayer layer) : GateSumsFloatStep(layer)
{
    public override void Step(ReadOnlySpan<float> x)
    {
        StartSums(x);
        AddRecurrent(0, 1, Hidden);
        for (int k = 0; k < Hidden.Length; k++)
            Hidden[k] = MathF.Tanh(Clip(Sum(0, k), Layer.Clip));
    }
}
