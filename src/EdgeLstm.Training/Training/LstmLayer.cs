using System.Numerics;
using System.Numerics.Tensors;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Training.Training;

/// <summary>
/// LSTM in the ONNX form (gate order i, o, f, c), with the options Core supports: peepholes
/// (i and f see c[t-1], o sees c[t]; Gers &amp; Schmidhuber 2000), the coupled input-forget gate
/// (CIFG: f = 1 - i, the forget rows unused), and clip of every pre-activation.
/// Tape: Gates holds the activations i, o, f, g; Cell holds c; Aux holds tanh(c).
/// </summary>
internal sealed class LstmLayer<T>(RecurrentLayer core) : RecurrentCellLayer<T>(core) where T : unmanaged, IFloatingPointIeee754<T>
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

                for (int k = 0; k < hs; k++)
                {
                    T dh = dhOut[k] + dhNext[k];
                    dzo[k] = dh * tc[k] * go[k] * (T.One - go[k]);
                    dc[k] = dcNext[k] + dh * go[k] * (T.One - tc[k] * tc[k]);
                }
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
                InputBackward(input.Slice(at * Inputs, Inputs), dz, inputGrad.IsEmpty ? [] : inputGrad.Slice(at * Inputs, Inputs), grads);
                BlockMath<T>.AddOuter(tape.PreviousHidden(s, t, b), dz, grads[GradR], Rows, 0);
                AddTo(grads[GradRb], dz);
                dhNext.Clear();
                if (t > 0 && !s.StartsFresh(t, b))
                    BlockMath<T>.AddTransposedProduct(dz, RT, Rows, 0, dhNext);
                else
                    dcNext.Clear(); // truncation or a fresh start: nothing flows into the state before
            }
    }
}
