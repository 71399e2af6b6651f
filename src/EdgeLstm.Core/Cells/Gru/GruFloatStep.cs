using static EdgeLstm.Core.Float.FloatMath;

namespace EdgeLstm.Core.Cells.Gru;

/// <summary>
/// The GRU's float step (ONNX GRU): z, r from W x + Wb + R h + Rb; the candidate with the reset
/// gate after the recurrent product (linear_before_reset = 1) or on h before it (0);
/// h = (1 - z) ⊙ candidate + z ⊙ h. MUT2 runs as the second form (see <see cref="Mut2.Mut2Cell"/>),
/// so the form is the step's, given by the definition that makes it.
/// </summary>
internal sealed class GruFloatStep(RecurrentLayer layer, bool linearBeforeReset) : ResetGateFloatStep(layer)
{
    public override void Step(ReadOnlySpan<float> x)
    {
        StartSums(x);
        if (!linearBeforeReset)
        {
            AddRecurrent(Gates.GruUpdate, 2, Hidden);
            AddResetProduct();
            Update();
            return;
        }
        var l = Layer;
        int hs = l.HiddenSize;
        AddRecurrent(Gates.GruUpdate, 3, Hidden);
        for (int k = 0; k < hs; k++)
        {
            float z = Sigmoid(Clip(Sum(Gates.GruUpdate, k), l.Clip));
            float r = Sigmoid(Clip(Sum(Gates.GruReset, k), l.Clip));
            int h = Gates.GruHidden * hs + k;
            float candidate = MathF.Tanh(Clip(Input[h] + r * Recurrent[h], l.Clip));
            Hidden[k] = (1f - z) * candidate + z * Hidden[k];
        }
    }
}
