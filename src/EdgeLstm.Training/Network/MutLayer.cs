namespace EdgeLstm.Training.Network;

/// <summary>
/// What MUT1, MUT2 and MUT3 (Jozefowicz et al. 2015) share, in the trainer: the loops over steps and
/// lanes, forward and backward, around the candidate's reset product n += R_h (r ⊙ h) (r ⊙ h kept in
/// the tape's Aux) and GRU's update (<see cref="ResetGateLayer{T}"/>: z keeps the old state). A cell
/// says only how z, r and n get their other terms (<see cref="PreActivate"/>,
/// <see cref="AddAfterReset"/>) and their gradients (<see cref="GateGradients"/>,
/// <see cref="RecurrentGradient"/>). Gate rows z, r, n (Gates on the tape); Aux holds r ⊙ h.
/// </summary>
internal abstract class MutLayer<T>(RecurrentLayer core) : ResetGateLayer<T>(core) where T : unmanaged, IFloatingPointIeee754<T>
{
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
                var n = g.Slice(2 * hs, hs);
                // n += R_h (r ⊙ h), with r ⊙ h kept in Aux for the backward pass.
                var aux = tape.AuxAt(s, t, b);
                TensorPrimitives.Multiply(g.Slice(hs, hs), hPrev, aux);
                BlockMath<T>.AddProduct(aux, RT, Rows, 2 * hs, n);
                AddAfterReset(n, x);
                Update(tape, s, t, b, g, mask, hPrev);
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
                var g = tape.GatesAt(s, t, b);
                var hPrev = tape.PreviousHidden(s, t, b);
                var mask = UpdateBackward(tape, s, t, b, dpre, dhPrev);
                ResetProductBackward(g.Slice(hs, hs), hPrev, dpre, dhPrev, drh);
                GatesBackward(g, dpre, mask);
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
}
