namespace EdgeLstm.Training.Network;

/// <summary>
/// What the GRU shares with the MUT cells in the trainer (as Core's ResetGateFloatStep in the float
/// engine): gate rows z, r, n on the tape with an Aux vector beside them, the update
/// h' = (1 - z) ⊙ tanh(n) + z ⊙ h (z keeps the old state; n clipped first where the layer clips),
/// the backward pass through that update and through the sigmoids of z and r, and the backward pass
/// through the reset product n += R_h (r ⊙ h) (GRU with linear_before_reset = 0, MUT1-3).
/// </summary>
internal abstract class ResetGateLayer<T>(RecurrentLayer core) : RecurrentCellLayer<T>(core) where T : unmanaged, IFloatingPointIeee754<T>
{
    public sealed override LayerTape<T> CreateTape(int batch, int steps) =>
        new(batch, steps, Hidden, gateWidth: Rows, hasCell: false, hasAux: true, hasMask: HasClip);

    /// <summary>
    /// The end of step (t, b) once n holds its pre-activation: n = tanh(n), clipped first where the
    /// layer clips (<paramref name="mask"/> as <see cref="RecurrentCellLayer{T}.SigmoidGates"/> returned it);
    /// h = (1 - z) ⊙ n + z ⊙ hPrev into the tape's output.
    /// </summary>
    protected void Update(LayerTape<T> tape, SequenceShape s, int t, int b, Span<T> gates, Span<T> mask, ReadOnlySpan<T> hPrev)
    {
        int hs = Hidden;
        var z = gates[..hs];
        var n = gates.Slice(2 * hs, hs);
        if (HasClip) BlockMath<T>.Clip(n, mask.Slice(2 * hs, hs), ClipValue);
        TensorPrimitives.Tanh(n, n);
        var h = tape.OutputAt(s, t, b);
        for (int k = 0; k < hs; k++) h[k] = (T.One - z[k]) * n[k] + z[k] * hPrev[k];
    }

    /// <summary>
    /// Backpropagates step (t, b) through the update: writes dn (through tanh and n's clip mask) and
    /// dz (before z's sigmoid, see <see cref="GatesBackward"/>) into <paramref name="dpre"/> = [dz, dr, dn]
    /// and dhPrev = dh ⊙ z, dh being the output's gradient plus the one carried from step t + 1.
    /// Returns the step's clip mask (empty without clip).
    /// </summary>
    protected Span<T> UpdateBackward(LayerTape<T> tape, SequenceShape s, int t, int b, Span<T> dpre, Span<T> dhPrev)
    {
        int hs = Hidden;
        var g = tape.GatesAt(s, t, b);
        var z = g[..hs];
        var n = g.Slice(2 * hs, hs);
        var hPrev = tape.PreviousHidden(s, t, b);
        var dhOut = tape.OutputGradAt(s, t, b);
        var dhNext = tape.DhNext.AsSpan(b * hs, hs);
        var dz = dpre[..hs];
        var dn = dpre.Slice(2 * hs, hs);
        for (int k = 0; k < hs; k++)
        {
            T dh = dhOut[k] + dhNext[k];
            dn[k] = dh * (T.One - z[k]) * (T.One - n[k] * n[k]);
            dz[k] = dh * (hPrev[k] - n[k]);
            dhPrev[k] = dh * z[k];
        }
        var mask = HasClip ? tape.MaskAt(s, t, b) : default;
        if (HasClip) TensorPrimitives.Multiply(dn, mask.Slice(2 * hs, hs), dn);
        return mask;
    }

    /// <summary>
    /// Backpropagates dn (in <paramref name="dpre"/>) through the reset product R_h (r ⊙ h):
    /// drh = R_hᵀ dn, dr = drh ⊙ hPrev (before r's sigmoid), dhPrev += drh ⊙ r. drh is scratch of the hidden size.
    /// </summary>
    protected void ResetProductBackward(ReadOnlySpan<T> r, ReadOnlySpan<T> hPrev, Span<T> dpre, Span<T> dhPrev, Span<T> drh)
    {
        int hs = Hidden;
        var dr = dpre.Slice(hs, hs);
        drh.Clear();
        BlockMath<T>.AddTransposedProduct(dpre.Slice(2 * hs, hs), RT, Rows, 2 * hs, drh);
        for (int k = 0; k < hs; k++)
        {
            dr[k] = drh[k] * hPrev[k];
            dhPrev[k] += drh[k] * r[k];
        }
    }

    /// <summary>dz and dr through their sigmoids (dpre_k *= σ (1 - σ)), then through their clip masks.</summary>
    protected void GatesBackward(ReadOnlySpan<T> gates, Span<T> dpre, Span<T> mask)
    {
        int hs = Hidden;
        var z = gates[..hs];
        var r = gates.Slice(hs, hs);
        var dz = dpre[..hs];
        var dr = dpre.Slice(hs, hs);
        for (int k = 0; k < hs; k++)
        {
            dz[k] *= z[k] * (T.One - z[k]);
            dr[k] *= r[k] * (T.One - r[k]);
        }
        if (HasClip) TensorPrimitives.Multiply(dpre[..(2 * hs)], mask[..(2 * hs)], dpre[..(2 * hs)]);
    }
}
