namespace EdgeLstm.Training.Network;

/// <summary>
/// GRU in the ONNX form (gate order z, r, h; h' = (1 - z) ⊙ n + z ⊙ h). With linear_before_reset
/// (the default, PyTorch's form) n = tanh(Wn x + Wbn + r ⊙ (Rn h + Rbn)); without it
/// n = tanh(Wn x + Wbn + Rn (r ⊙ h) + Rbn). Tape: Gates holds z, r, n; Aux holds Rn h + Rbn
/// (linear_before_reset) or r ⊙ h (the other form), whichever the backward pass needs.
/// </summary>
internal sealed class GruLayer<T>(RecurrentLayer core) : ResetGateLayer<T>(core) where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly bool _lbr = core.LinearBeforeReset;

    public override void Forward(LayerTape<T> tape, ReadOnlySpan<T> input, SequenceShape s)
    {
        int hs = Hidden;
        Span<T> recurrent = new T[Rows];
        for (int t = 0; t < s.Steps; t++)
            for (int b = 0; b < s.Batch; b++)
            {
                var g = tape.GatesAt(s, t, b);
                var hPrev = tape.PreviousHidden(s, t, b);
                InputPreactivation(input.Slice(s.Index(t, b) * Inputs, Inputs), hPrev, g, includeRecurrent: false);
                Rb.CopyTo(recurrent);
                BlockMath<T>.AddProduct(hPrev, RT, Rows, 0, recurrent[..(2 * hs)]);
                var zr = g[..(2 * hs)];
                TensorPrimitives.Add(zr, recurrent[..(2 * hs)], zr);
                var mask = SigmoidGates(tape, s, t, b, g, 2 * hs);
                var r = g.Slice(hs, hs);
                var n = g.Slice(2 * hs, hs);
                var aux = tape.AuxAt(s, t, b);
                var recN = recurrent.Slice(2 * hs, hs);
                if (_lbr)
                {
                    BlockMath<T>.AddProduct(hPrev, RT, Rows, 2 * hs, recN);
                    recN.CopyTo(aux);
                    TensorPrimitives.MultiplyAdd(r, recN, n, n);
                }
                else
                {
                    TensorPrimitives.Multiply(r, hPrev, aux);
                    BlockMath<T>.AddProduct(aux, RT, Rows, 2 * hs, recN);
                    TensorPrimitives.Add(n, recN, n);
                }
                Update(tape, s, t, b, g, mask, hPrev);
            }
    }

    public override void Backward(LayerTape<T> tape, ReadOnlySpan<T> input, Span<T> inputGrad, SequenceShape s, T[][] grads)
    {
        int hs = Hidden;
        Span<T> dx = new T[Rows];    // gradient of the input-side pre-activations [dz, dr, dn]
        Span<T> drec = new T[Rows];  // gradient of the recurrent-side products
        Span<T> dhPrev = new T[hs];
        Span<T> drh = new T[hs];
        Array.Clear(tape.DhNext);
        for (int t = s.Steps - 1; t >= 0; t--)
            for (int b = 0; b < s.Batch; b++)
            {
                var g = tape.GatesAt(s, t, b);
                var r = g.Slice(hs, hs);
                var aux = tape.AuxAt(s, t, b);
                var hPrev = tape.PreviousHidden(s, t, b);
                var dhNext = tape.DhNext.AsSpan(b * hs, hs);
                var mask = UpdateBackward(tape, s, t, b, dx, dhPrev);
                var dzr = dx.Slice(hs, hs);
                var dzn = dx.Slice(2 * hs, hs);
                if (_lbr)
                {
                    // n pre-activation = xn + r ⊙ a with a = Rn h + Rbn (in aux).
                    for (int k = 0; k < hs; k++)
                    {
                        dzr[k] = dzn[k] * aux[k];          // dr, before its sigmoid
                        drec[2 * hs + k] = dzn[k] * r[k];  // da
                    }
                }
                else
                {
                    // n pre-activation = xn + Rn (r ⊙ h) + Rbn with r ⊙ h in aux.
                    ResetProductBackward(r, hPrev, dx, dhPrev, drh);
                    dzn.CopyTo(drec.Slice(2 * hs, hs));
                }
                GatesBackward(g, dx, mask);
                dx[..(2 * hs)].CopyTo(drec);

                int at = s.Index(t, b);
                InputBackward(input.Slice(at * Inputs, Inputs), dx, inputGrad.IsEmpty ? [] : inputGrad.Slice(at * Inputs, Inputs), grads);
                AddTo(grads[GradRb], drec);
                if (_lbr)
                {
                    BlockMath<T>.AddOuter(hPrev, drec, grads[GradR], Rows, 0);
                }
                else
                {
                    BlockMath<T>.AddOuter(hPrev, drec[..(2 * hs)], grads[GradR], Rows, 0);
                    BlockMath<T>.AddOuter(aux, drec.Slice(2 * hs, hs), grads[GradR], Rows, 2 * hs);
                }
                dhNext.Clear();
                if (t > 0 && !s.StartsFresh(t, b))
                {
                    dhPrev.CopyTo(dhNext);
                    var recurrentPart = _lbr ? drec : drec[..(2 * hs)];
                    BlockMath<T>.AddTransposedProduct(recurrentPart, RT, Rows, 0, dhNext);
                }
            }
    }
}
