using static EdgeLstm.Core.Float.FloatMath;

namespace EdgeLstm.Core.Float;

/// <summary>
/// What the GRU with the reset gate on h (linear_before_reset = 0) shares with the MUT cells that
/// keep its candidate and update (gate rows z, r, h): the reset product R_h (r ⊙ h) with
/// r = σ(clip(Input_r + Recurrent_r)), and the update h = (1 - z) ⊙ tanh(clip(Input_h + Recurrent_h))
/// + z ⊙ h with z = σ(clip(Input_z + Recurrent_z)). A kind forms the z and r sums its own way first.
/// </summary>
internal abstract class ResetGateFloatStep(RecurrentLayer layer) : GateSumsFloatStep(layer)
{
    private readonly float[] _resetHidden = new float[layer.HiddenSize]; // r ⊙ h

    /// <summary>Recurrent_h += R_h (r ⊙ h), once the r rows of both sums are complete.</summary>
    protected void AddResetProduct()
    {
        var l = Layer;
        for (int k = 0; k < l.HiddenSize; k++)
            _resetHidden[k] = Sigmoid(Clip(Sum(Gates.GruReset, k), l.Clip)) * Hidden[k];
        AddRecurrent(Gates.GruHidden, 1, _resetHidden);
    }

    /// <summary>h = (1 - z) ⊙ tanh(clip(Input_h + Recurrent_h)) + z ⊙ h.</summary>
    protected void Update()
    {
        var l = Layer;
        for (int k = 0; k < l.HiddenSize; k++)
        {
            float z = Sigmoid(Clip(Sum(Gates.GruUpdate, k), l.Clip));
            float candidate = MathF.Tanh(Clip(Sum(Gates.GruHidden, k), l.Clip));
            Hidden[k] = (1f - z) * candidate + z * Hidden[k];
        }
    }
}
