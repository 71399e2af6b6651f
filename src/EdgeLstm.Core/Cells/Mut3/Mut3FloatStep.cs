namespace EdgeLstm.Core.Cells.Mut3;

/// <summary>
/// MUT3's float step (<see cref="Mut3Cell"/>): z = σ(clip(W_z x + Wb_z + R_z tanh(h) + Rb_z)),
/// r = σ(clip(W_r x + Wb_r + R_r h + Rb_r)), candidate = tanh(clip(W_h x + Wb_h + R_h (r ⊙ h) + Rb_h)),
/// h = (1 - z) ⊙ candidate + z ⊙ h: the GRU's (reset on h) but for z's tanh(h).
/// </summary>
internal sealed class Mut3FloatStep(RecurrentLayer layer) : ResetGateFloatStep(layer)
{
    private readonly float[] _tanhHidden = new float[layer.HiddenSize];  // tanh(h)

    public override void Step(ReadOnlySpan<float> x)
    {
        StartSums(x);
        for (int k = 0; k < Hidden.Length; k++) _tanhHidden[k] = MathF.Tanh(Hidden[k]);
        AddRecurrent(Gates.GruUpdate, 1, _tanhHidden);
        AddRecurrent(Gates.GruReset, 1, Hidden);
        AddResetProduct();
        Update();
    }
}
