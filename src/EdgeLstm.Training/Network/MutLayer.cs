using System.Numerics;
using System.Numerics.Tensors;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Training.Network;

/// <summary>
/// What MUT1, MUT2 and MUT3 (Jozefowicz et al. 2015) share, in the trainer: the candidate's reset
/// product n += R_h (r ⊙ h) (r ⊙ h kept in the tape's Aux), the update h' = (1 - z) ⊙ tanh(n) + z ⊙ h
/// (GRU's convention: z keeps the old state), the loops over steps and lanes, and the backward pass
/// through both. A cell says only how z, r and n get their other terms (<see cref="PreActivate"/>,
/// <see cref="AddAfterReset"/>) and their gradients (<see cref="GateGradients"/>,
/// <see cref="RecurrentGradient"/>). Gate rows z, r, n (Gates on the tape); Aux holds r ⊙ h.
/// </summary>
internal abstract class MutLayer<T>(RecurrentLayer core) : RecurrentCellLayer<T>(core) where T : unmanaged, IFloatingPointIeee754<T>
{
    public override LayerTape<T> CreateTape(int batch, int steps) =>
        new(batch, steps, Hidden, gateWidth: Rows, hasCell: false, hasAux: true, hasMask: HasClip);

    /// <summary>
    /// Writes the step's pre-activations before the reset product: z's and r's whole, n's input terms
    /// and bias. <paramref name="work"/> is scratch of twice the hidden size.
    /// </summary>
    protected abstract void PreActivate(Span<T> g, ReadOnlySpan<T> x, ReadOnlySpan<T> hPrev, Span<T> work);

    /// <summary>Adds n's terms that come after the reset product (none but MUT1's tanh(x̃)).</summary>
    protected virtual void AddAfterReset(Span<T> n, ReadOnlySpan<T> x) { }

    /// <summary>
    /// Accumulates the step's gradients of W, Wb, Rb and of R's z and r blocks from dpre = [dz, dr, dn],
    /// and the input's into <paramref name="dx"/> (empty when not wanted). R's n block is the base's.
    /// </summary>
    protected abstract void GateGradients(ReadOnlySpan<T> x, ReadOnlySpan<T> hPrev, ReadOnlySpan<T> dpre, Span<T> dx, T[][] grads, Span<T> work);

    /// <summary>Adds to <paramref name="dhNext"/> the previous hidden state's gradient through z's and r's recurrent products (<paramref name="work"/> as GateGradients left it).</summary>
    protected abstract void RecurrentGradient(ReadOnlySpan<T> hPrev, ReadOnlySpan<T> dpre, Span<T> dhNext, Span<T> work);

    public sealed override void Forward(LayerTape<T> tape, ReadOnlySpan<T> input, SequenceShape s)
    {
        int hs = Hidden;
        Span<T> work = new T[2 * hs];
        for (int t = 0; t < s.Steps; t++)
            for (int b = 0; b < s.Batch; b++)
            {
                var g = tape.GatesAt(s, t, b);
                var x = input.Slice(s.Index(t, b) * Inputs, Inputs);
                var hPrev = tape.PreviousHidden(s, t, b);
                PreActivate(g, x, hPrev, work);
                var mask = SigmoidGates(tape, s, t, b, g, 2 * hs);
                var z = g[..hs];
                var r = g.Slice(hs, hs);
                var n = g.Slice(2 * hs, hs);
                // n += R_h (r ⊙ h), with r ⊙ h kept in Aux for the backward pass.
                var aux = tape.AuxAt(s, t, b);
                TensorPrimitives.Multiply(r, hPrev, aux);
                BlockMath<T>.AddProduct(aux, RT, Rows, 2 * hs, n);
                AddAfterReset(n, x);
                // n = tanh(n), clipped first where the layer clips; h = (1 - z) ⊙ n + z ⊙ hPrev.
                if (HasClip) BlockMath<T>.Clip(n, mask.Slice(2 * hs, hs), ClipValue);
                TensorPrimitives.Tanh(n, n);
                var h = tape.OutputAt(s, t, b);
                for (int k = 0; k < hs; k++) h[k] = (T.One - z[k]) * n[k] + z[k] * hPrev[k];
            }
    }

    public sealed override void Backward(LayerTape<T> tape, ReadOnlySpan<T> input, Span<T> inputGrad, SequenceShape s, T[][] grads)
    {
        int hs = Hidden;
        Span<T> dpre = new T[Rows]; // gradient of the pre-activations [dz, dr, dn]
        Span<T> dhPrev = new T[hs];
        Span<T> drh = new T[hs];
        Span<T> work = new T[2 * hs];
        Array.Clear(tape.DhNext);
        for (int t = s.Steps - 1; t >= 0; t--)
            for (int b = 0; b < s.Batch; b++)
            {
                BackwardUpdate(tape, s, t, b, dpre, dhPrev, drh);
                var hPrev = tape.PreviousHidden(s, t, b);
                int at = s.Index(t, b);
                GateGradients(input.Slice(at * Inputs, Inputs), hPrev, dpre, inputGrad.IsEmpty ? [] : inputGrad.Slice(at * Inputs, Inputs), grads, work);
                BlockMath<T>.AddOuter(tape.AuxAt(s, t, b), dpre.Slice(2 * hs, hs), grads[GradR], Rows, 2 * hs);
                var dhNext = tape.DhNext.AsSpan(b * hs, hs);
                dhNext.Clear();
                if (t > 0 && !s.StartsFresh(t, b))
                {
                    dhPrev.CopyTo(dhNext);
                    RecurrentGradient(hPrev, dpre, dhNext, work);
                }
            }
    }

    /// <summary>
    /// Backpropagates step (t, b) through the update and the reset product: dpre = [dz, dr, dn], the
    /// gradients of the three pre-activations (the clip masks applied), and dhPrev, the gradient of
    /// the previous hidden state through z's interpolation and r ⊙ h. drh is scratch of the hidden size.
    /// </summary>
    private void BackwardUpdate(LayerTape<T> tape, SequenceShape s, int t, int b, Span<T> dpre, Span<T> dhPrev, Span<T> drh)
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
