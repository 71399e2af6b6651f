using System.Numerics;
using System.Numerics.Tensors;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Training.Network;

/// <summary>
/// What MUT1, MUT2 and MUT3 (Jozefowicz et al. 2015) share, in the trainer: the candidate's reset
/// product n += R_h (r ⊙ h) (r ⊙ h kept in the tape's Aux), the update h' = (1 - z) ⊙ tanh(n) + z ⊙ h
/// (GRU's convention: z keeps the old state), and the backward pass through both. The cells
/// differ only in how z, r and n get their other terms. Gate rows z, r, n (Gates on the tape).
/// </summary>
internal abstract class MutLayer<T>(RecurrentLayer core) : RecurrentCellLayer<T>(core) where T : unmanaged, IFloatingPointIeee754<T>
{
    public override LayerTape<T> CreateTape(int batch, int steps) =>
        new(batch, steps, Hidden, gateWidth: Rows, hasCell: false, hasAux: true, hasMask: HasClip);

    /// <summary>n += R_h (r ⊙ h), with r ⊙ h written to <paramref name="aux"/> for the backward pass.</summary>
    protected void AddResetProduct(ReadOnlySpan<T> r, ReadOnlySpan<T> hPrev, Span<T> aux, Span<T> n)
    {
        TensorPrimitives.Multiply(r, hPrev, aux);
        BlockMath<T>.AddProduct(aux, RT, Rows, 2 * Hidden, n);
    }

    /// <summary>n = tanh(n), clipped first where the layer clips (mask: the step's mask on the tape, empty without clip); h = (1 - z) ⊙ n + z ⊙ hPrev.</summary>
    protected void Update(Span<T> n, Span<T> mask, ReadOnlySpan<T> z, ReadOnlySpan<T> hPrev, Span<T> h)
    {
        if (HasClip) BlockMath<T>.Clip(n, mask.Slice(2 * Hidden, Hidden), ClipValue);
        TensorPrimitives.Tanh(n, n);
        for (int k = 0; k < Hidden; k++) h[k] = (T.One - z[k]) * n[k] + z[k] * hPrev[k];
    }

    /// <summary>
    /// Backpropagates step (t, b) through the update and the reset product: dpre = [dz, dr, dn], the
    /// gradients of the three pre-activations (the clip masks applied), and dhPrev, the gradient of
    /// the previous hidden state through z's interpolation and r ⊙ h. drh is scratch of the hidden size.
    /// </summary>
    protected void BackwardUpdate(LayerTape<T> tape, SequenceShape s, int t, int b, Span<T> dpre, Span<T> dhPrev, Span<T> drh)
    {
        int hs = Hidden;
        var g = tape.GatesAt(s, t, b);
        var z = g[..hs];
        var r = g.Slice(hs, hs);
        var n = g.Slice(2 * hs, hs);
        var hPrev = tape.PreviousHidden(s, t, b);
        var dhOut = tape.OutputGradAt(s, t, b);
        var dhNext = tape.DhNext.AsSpan(b * hs, hs);
        var dz = dpre[..hs];
        var dr = dpre.Slice(hs, hs);
        var dn = dpre.Slice(2 * hs, hs);
        for (int k = 0; k < hs; k++)
        {
            T dh = dhOut[k] + dhNext[k];
            dn[k] = dh * (T.One - z[k]) * (T.One - n[k] * n[k]);
            dz[k] = dh * (hPrev[k] - n[k]) * z[k] * (T.One - z[k]);
            dhPrev[k] = dh * z[k];
        }
        var mask = HasClip ? tape.MaskAt(s, t, b) : default;
        if (HasClip) TensorPrimitives.Multiply(dn, mask.Slice(2 * hs, hs), dn);
        drh.Clear();
        BlockMath<T>.AddTransposedProduct(dn, RT, Rows, 2 * hs, drh);
        for (int k = 0; k < hs; k++)
        {
            dr[k] = drh[k] * hPrev[k] * r[k] * (T.One - r[k]);
            dhPrev[k] += drh[k] * r[k];
        }
        if (HasClip) TensorPrimitives.Multiply(dpre[..(2 * hs)], mask[..(2 * hs)], dpre[..(2 * hs)]);
    }
}
