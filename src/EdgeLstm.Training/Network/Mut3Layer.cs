using System.Numerics;
using System.Numerics.Tensors;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Training.Network;

/// <summary>
/// MUT3 (Jozefowicz et al. 2015) as Core's float reference runs it (Core's Mut3Cell): z = σ(W_z x +
/// R_z tanh(h) + b_z), r = σ(W_r x + R_r h + b_r), n = tanh(W_h x + R_h (r ⊙ h) + b_h),
/// h' = (1 - z) ⊙ n + z ⊙ h (z keeps the old state, GRU's convention); b = Wb + Rb.
/// Tape: Gates holds z, r, n; Aux holds r ⊙ h; tanh(h) is recomputed from h in the backward pass.
/// </summary>
internal sealed class Mut3Layer<T>(RecurrentLayer core) : MutLayer<T>(core) where T : unmanaged, IFloatingPointIeee754<T>
{
    public override void Forward(LayerTape<T> tape, ReadOnlySpan<T> input, SequenceShape s)
    {
        int hs = Hidden;
        Span<T> tanhHidden = new T[hs];
        for (int t = 0; t < s.Steps; t++)
            for (int b = 0; b < s.Batch; b++)
            {
                var g = tape.GatesAt(s, t, b);
                var x = input.Slice(s.Index(t, b) * Inputs, Inputs);
                var hPrev = tape.PreviousHidden(s, t, b);
                TensorPrimitives.Add(Wb, Rb, g);
                BlockMath<T>.AddProduct(x, WT, Rows, 0, g);
                TensorPrimitives.Tanh(hPrev, tanhHidden);
                BlockMath<T>.AddProduct(tanhHidden, RT, Rows, 0, g[..hs]);
                BlockMath<T>.AddProduct(hPrev, RT, Rows, hs, g.Slice(hs, hs));
                var zr = g[..(2 * hs)];
                var mask = HasClip ? tape.MaskAt(s, t, b) : default;
                if (HasClip) BlockMath<T>.Clip(zr, mask[..(2 * hs)], ClipValue);
                TensorPrimitives.Sigmoid(zr, zr);
                var z = g[..hs];
                var r = g.Slice(hs, hs);
                var n = g.Slice(2 * hs, hs);
                AddResetProduct(r, hPrev, tape.AuxAt(s, t, b), n);
                Update(n, mask, z, hPrev, tape.OutputAt(s, t, b));
            }
    }

    public override void Backward(LayerTape<T> tape, ReadOnlySpan<T> input, Span<T> inputGrad, SequenceShape s, T[][] grads)
    {
        int hs = Hidden;
        Span<T> dpre = new T[Rows]; // gradient of the pre-activations [dz, dr, dn]
        Span<T> dhPrev = new T[hs];
        Span<T> drh = new T[hs];
        Span<T> dtanh = new T[hs];
        Span<T> tanhHidden = new T[hs];
        Array.Clear(tape.DhNext);
        for (int t = s.Steps - 1; t >= 0; t--)
            for (int b = 0; b < s.Batch; b++)
            {
                BackwardUpdate(tape, s, t, b, dpre, dhPrev, drh);
                var aux = tape.AuxAt(s, t, b);
                var hPrev = tape.PreviousHidden(s, t, b);
                TensorPrimitives.Tanh(hPrev, tanhHidden);
                var dhNext = tape.DhNext.AsSpan(b * hs, hs);
                var dz = dpre[..hs];
                var dr = dpre.Slice(hs, hs);
                var dn = dpre.Slice(2 * hs, hs);

                int at = s.Index(t, b);
                InputBackward(input.Slice(at * Inputs, Inputs), dpre, inputGrad.IsEmpty ? [] : inputGrad.Slice(at * Inputs, Inputs), grads);
                AddTo(grads[GradRb], dpre);
                BlockMath<T>.AddOuter(tanhHidden, dz, grads[GradR], Rows, 0);
                BlockMath<T>.AddOuter(hPrev, dr, grads[GradR], Rows, hs);
                BlockMath<T>.AddOuter(aux, dn, grads[GradR], Rows, 2 * hs);
                dhNext.Clear();
                if (t > 0 && !s.StartsFresh(t, b))
                {
                    dhPrev.CopyTo(dhNext);
                    BlockMath<T>.AddTransposedProduct(dr, RT, Rows, hs, dhNext);
                    dtanh.Clear();
                    BlockMath<T>.AddTransposedProduct(dz, RT, Rows, 0, dtanh);
                    for (int k = 0; k < hs; k++) dhNext[k] += dtanh[k] * (T.One - tanhHidden[k] * tanhHidden[k]);
                }
            }
    }
}
