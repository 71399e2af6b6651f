using System.Numerics;
using System.Numerics.Tensors;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Training.Network;

/// <summary>
/// MUT1 (Jozefowicz et al. 2015) as Core's float reference runs it (Core's Mut1Cell): z = σ(W_z x +
/// b_z), r = σ(W_r x + R_r h + b_r), n = tanh(R_h (r ⊙ h) + b_h + tanh(x̃)), x̃_k = x_(k mod I),
/// h' = (1 - z) ⊙ n + z ⊙ h (z keeps the old state, GRU's convention); b = Wb + Rb. Only the
/// learned blocks enter the products (W's z, r blocks; R's r, h blocks), so W's map block and R's
/// z block never get a gradient; the export writes the fixed map and the empty block back.
/// Tape: Gates holds z, r, n; Aux holds r ⊙ h.
/// </summary>
internal sealed class Mut1Layer<T>(RecurrentLayer core) : MutLayer<T>(core) where T : unmanaged, IFloatingPointIeee754<T>
{
    public override void Forward(LayerTape<T> tape, ReadOnlySpan<T> input, SequenceShape s)
    {
        int hs = Hidden;
        for (int t = 0; t < s.Steps; t++)
            for (int b = 0; b < s.Batch; b++)
            {
                var g = tape.GatesAt(s, t, b);
                var x = input.Slice(s.Index(t, b) * Inputs, Inputs);
                var hPrev = tape.PreviousHidden(s, t, b);
                var zr = g[..(2 * hs)];
                Wb.AsSpan(0, 2 * hs).CopyTo(zr);
                BlockMath<T>.AddProduct(x, WT, Rows, 0, zr);
                TensorPrimitives.Add(zr, Rb.AsSpan(0, 2 * hs), zr);
                BlockMath<T>.AddProduct(hPrev, RT, Rows, hs, g.Slice(hs, hs));
                var mask = HasClip ? tape.MaskAt(s, t, b) : default;
                if (HasClip) BlockMath<T>.Clip(zr, mask[..(2 * hs)], ClipValue);
                TensorPrimitives.Sigmoid(zr, zr);
                var z = g[..hs];
                var r = g.Slice(hs, hs);
                var n = g.Slice(2 * hs, hs);
                TensorPrimitives.Add(Wb.AsSpan(2 * hs, hs), Rb.AsSpan(2 * hs, hs), n);
                AddResetProduct(r, hPrev, tape.AuxAt(s, t, b), n);
                for (int k = 0; k < hs; k++) n[k] += T.Tanh(x[k % Inputs]);
                Update(n, mask, z, hPrev, tape.OutputAt(s, t, b));
            }
    }

    public override void Backward(LayerTape<T> tape, ReadOnlySpan<T> input, Span<T> inputGrad, SequenceShape s, T[][] grads)
    {
        int hs = Hidden;
        Span<T> dpre = new T[Rows]; // gradient of the pre-activations [dz, dr, dn]
        Span<T> dhPrev = new T[hs];
        Span<T> drh = new T[hs];
        Array.Clear(tape.DhNext);
        for (int t = s.Steps - 1; t >= 0; t--)
            for (int b = 0; b < s.Batch; b++)
            {
                BackwardUpdate(tape, s, t, b, dpre, dhPrev, drh);
                var aux = tape.AuxAt(s, t, b);
                var hPrev = tape.PreviousHidden(s, t, b);
                var dhNext = tape.DhNext.AsSpan(b * hs, hs);
                var dz = dpre[..hs];
                var dr = dpre.Slice(hs, hs);
                var dn = dpre.Slice(2 * hs, hs);

                int at = s.Index(t, b);
                var x = input.Slice(at * Inputs, Inputs);
                BlockMath<T>.AddOuter(x, dpre[..(2 * hs)], grads[GradW], Rows, 0);
                AddTo(grads[GradWb], dpre);
                AddTo(grads[GradRb], dpre);
                if (!inputGrad.IsEmpty)
                {
                    var dx = inputGrad.Slice(at * Inputs, Inputs);
                    BlockMath<T>.AddTransposedProduct(dpre[..(2 * hs)], WT, Rows, 0, dx);
                    for (int k = 0; k < hs; k++)
                    {
                        T tx = T.Tanh(x[k % Inputs]);
                        dx[k % Inputs] += dn[k] * (T.One - tx * tx);
                    }
                }
                BlockMath<T>.AddOuter(hPrev, dr, grads[GradR], Rows, hs);
                BlockMath<T>.AddOuter(aux, dn, grads[GradR], Rows, 2 * hs);
                dhNext.Clear();
                if (t > 0 && !s.StartsFresh(t, b))
                {
                    dhPrev.CopyTo(dhNext);
                    BlockMath<T>.AddTransposedProduct(dr, RT, Rows, hs, dhNext);
                }
            }
    }
}
