namespace EdgeLstm.Training.Network;

/// <summary>
/// LSTM in the ONNX form (gate order i, o, f, c), with the options Core supports: peepholes
/// (i and f see c[t-1], o sees c[t]; Gers &amp; Schmidhuber 2000), the coupled input-forget gate
/// (CIFG: f = 1 - i, the forget rows unused), and clip of every pre-activation.
/// Tape: Gates holds the activations i, o, f, g; Cell holds c; Aux holds tanh(c).
/// A depth-gated LSTM (<see cref="DepthGatedLayer{T}"/>) is this cell plus one more term in c,
/// added through <see cref="AddToCell"/> and <see cref="CellBackward"/>. When a depth-gated layer
/// sits above, its gradient on this layer's cell arrives in the tape's CellGrad.
/// </summary>
internal class LstmLayer<T>(RecurrentLayer core) : RecurrentCellLayer<T>(core) where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int I = Gates.LstmInput, O = Gates.LstmOutput, F = Gates.LstmForget, G = Gates.LstmCell;
    private readonly bool _cifg = core.InputForget;

    public override LayerTape<T> CreateTape(int batch, int steps) =>
        new(batch, steps, Hidden, gateWidth: Rows, hasCell: true, hasAux: true, hasMask: HasClip);

    public override void Forward(LayerTape<T> tape, ReadOnlySpan<T> input, SequenceShape s)
    {
        int hs = Hidden;
        for (int t = 0; t < s.Steps; t++)
            for (int b = 0; b < s.Batch; b++)
            {
                var z = tape.GatesAt(s, t, b);
                var cPrev = tape.PreviousCell(s, t, b);
                InputPreactivation(input.Slice(s.Index(t, b) * Inputs, Inputs), tape.PreviousHidden(s, t, b), z, includeRecurrent: true);
                var zi = z.Slice(I * hs, hs);
                var zo = z.Slice(O * hs, hs);
                var zf = z.Slice(F * hs, hs);
                var zg = z.Slice(G * hs, hs);
                if (Peep is not null)
                {
                    TensorPrimitives.MultiplyAdd(Peep.AsSpan(Gates.PeepInput * hs, hs), cPrev, zi, zi);
                    if (!_cifg) TensorPrimitives.MultiplyAdd(Peep.AsSpan(Gates.PeepForget * hs, hs), cPrev, zf, zf);
                }
                var mask = HasClip ? tape.MaskAt(s, t, b) : default;
                if (HasClip)
                {
                    BlockMath<T>.Clip(zi, mask.Slice(I * hs, hs), ClipValue);
                    BlockMath<T>.Clip(zf, mask.Slice(F * hs, hs), ClipValue);
                    BlockMath<T>.Clip(zg, mask.Slice(G * hs, hs), ClipValue);
                }
                TensorPrimitives.Sigmoid(zi, zi);
                if (_cifg)
                    for (int k = 0; k < hs; k++) zf[k] = T.One - zi[k];
                else
                    TensorPrimitives.Sigmoid(zf, zf);
                TensorPrimitives.Tanh(zg, zg);

                var c = tape.CellAt(s, t, b);
                for (int k = 0; k < hs; k++) c[k] = zf[k] * cPrev[k] + zi[k] * zg[k];
                AddToCell(tape, input.Slice(s.Index(t, b) * Inputs, Inputs), s, t, b, cPrev, c);
                if (Peep is not null) TensorPrimitives.MultiplyAdd(Peep.AsSpan(Gates.PeepOutput * hs, hs), c, zo, zo);
                if (HasClip) BlockMath<T>.Clip(zo, mask.Slice(O * hs, hs), ClipValue);
                TensorPrimitives.Sigmoid(zo, zo);
                var tc = tape.AuxAt(s, t, b);
                TensorPrimitives.Tanh(c, tc);
                TensorPrimitives.Multiply(zo, tc, tape.OutputAt(s, t, b));
            }
    }

    public override void Backward(LayerTape<T> tape, ReadOnlySpan<T> input, Span<T> inputGrad, SequenceShape s, T[][] grads)
    {
        int hs = Hidden;
        Span<T> dz = new T[Rows];
        var dzi = dz.Slice(I * hs, hs);
        var dzo = dz.Slice(O * hs, hs);
        var dzf = dz.Slice(F * hs, hs);
        var dzg = dz.Slice(G * hs, hs);
        Span<T> dc = new T[hs];
        Array.Clear(tape.DhNext);
        Array.Clear(tape.DcNext);
        var dPeep = Peep is null ? default : grads[GradPeep].AsSpan();
        for (int t = s.Steps - 1; t >= 0; t--)
            for (int b = 0; b < s.Batch; b++)
            {
                var gates = tape.GatesAt(s, t, b);
                var gi = gates.Slice(I * hs, hs);
                var go = gates.Slice(O * hs, hs);
                var gf = gates.Slice(F * hs, hs);
                var gg = gates.Slice(G * hs, hs);
                var c = tape.CellAt(s, t, b);
                var tc = tape.AuxAt(s, t, b);
                var cPrev = tape.PreviousCell(s, t, b);
                var dhOut = tape.OutputGradAt(s, t, b);
                var dhNext = tape.DhNext.AsSpan(b * hs, hs);
                var dcNext = tape.DcNext.AsSpan(b * hs, hs);
                var dcAbove = tape.CellGrad.Length > 0 ? tape.CellGradAt(s, t, b) : default;

                for (int k = 0; k < hs; k++)
                {
                    T dh = dhOut[k] + dhNext[k];
                    dzo[k] = dh * tc[k] * go[k] * (T.One - go[k]);
                    dc[k] = dcNext[k] + dh * go[k] * (T.One - tc[k] * tc[k]);
                }
                if (!dcAbove.IsEmpty) TensorPrimitives.Add(dc, dcAbove, dc);
                var mask = HasClip ? tape.MaskAt(s, t, b) : default;
                if (HasClip) TensorPrimitives.Multiply(dzo, mask.Slice(O * hs, hs), dzo);
                if (Peep is not null)
                {
                    TensorPrimitives.MultiplyAdd(dzo, Peep.AsSpan(Gates.PeepOutput * hs, hs), dc, dc);
                    var dpo = dPeep.Slice(Gates.PeepOutput * hs, hs);
                    TensorPrimitives.MultiplyAdd(dzo, c, dpo, dpo);
                }
                for (int k = 0; k < hs; k++)
                {
                    T di = dc[k] * gg[k];
                    T df = dc[k] * cPrev[k];
                    dzg[k] = dc[k] * gi[k] * (T.One - gg[k] * gg[k]);
                    if (_cifg)
                    {
                        di -= df;          // f = 1 - i
                        dzf[k] = T.Zero;   // the forget rows take no part
                    }
                    else
                    {
                        dzf[k] = df * gf[k] * (T.One - gf[k]);
                    }
                    dzi[k] = di * gi[k] * (T.One - gi[k]);
                    dcNext[k] = dc[k] * gf[k]; // becomes dc[t-1] below
                }
                if (HasClip)
                {
                    TensorPrimitives.Multiply(dzi, mask.Slice(I * hs, hs), dzi);
                    TensorPrimitives.Multiply(dzf, mask.Slice(F * hs, hs), dzf);
                    TensorPrimitives.Multiply(dzg, mask.Slice(G * hs, hs), dzg);
                }
                if (Peep is not null)
                {
                    TensorPrimitives.MultiplyAdd(dzi, Peep.AsSpan(Gates.PeepInput * hs, hs), dcNext, dcNext);
                    var dpi = dPeep.Slice(Gates.PeepInput * hs, hs);
                    TensorPrimitives.MultiplyAdd(dzi, cPrev, dpi, dpi);
                    if (!_cifg)
                    {
                        TensorPrimitives.MultiplyAdd(dzf, Peep.AsSpan(Gates.PeepForget * hs, hs), dcNext, dcNext);
                        var dpf = dPeep.Slice(Gates.PeepForget * hs, hs);
                        TensorPrimitives.MultiplyAdd(dzf, cPrev, dpf, dpf);
                    }
                }

                int at = s.Index(t, b);
                var x = input.Slice(at * Inputs, Inputs);
                var dx = inputGrad.IsEmpty ? [] : inputGrad.Slice(at * Inputs, Inputs);
                CellBackward(tape, x, dx, s, t, b, dc, cPrev, dcNext, grads);
                InputBackward(x, dz, dx, grads);
                BlockMath<T>.AddOuter(tape.PreviousHidden(s, t, b), dz, grads[GradR], Rows, 0);
                AddTo(grads[GradRb], dz);
                dhNext.Clear();
                if (t > 0 && !s.StartsFresh(t, b))
                    BlockMath<T>.AddTransposedProduct(dz, RT, Rows, 0, dhNext);
                else
                    dcNext.Clear(); // truncation or a fresh start: nothing flows into the state before
            }
    }

    /// <summary>Forward hook: further terms of c[t] after f ⊙ c[t-1] + i ⊙ g (none for a plain LSTM).</summary>
    protected virtual void AddToCell(LayerTape<T> tape, ReadOnlySpan<T> x, SequenceShape s, int t, int b, ReadOnlySpan<T> cPrev, Span<T> c)
    {
    }

    /// <summary>
    /// Backward hook for those terms: dc is dLoss/dc[t]; adds to dcPrev (dLoss/dc[t-1]), to dx and
    /// to the parameter gradients.
    /// </summary>
    protected virtual void CellBackward(LayerTape<T> tape, ReadOnlySpan<T> x, Span<T> dx, SequenceShape s, int t, int b,
        ReadOnlySpan<T> dc, ReadOnlySpan<T> cPrev, Span<T> dcPrev, T[][] grads)
    {
    }
}
