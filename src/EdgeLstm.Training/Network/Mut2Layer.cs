using System.Numerics;
using System.Numerics.Tensors;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Training.Network;

/// <summary>
/// MUT2 (Jozefowicz et al. 2015) as Core's float reference runs it (Core's Mut2Cell): z = σ(W_z x +
/// R_z h + b_z), r = σ(x̃ + R_r h + b_r) with x̃_k = x_(k mod I), n = tanh(W_h x + R_h (r ⊙ h) + b_h),
/// h' = (1 - z) ⊙ n + z ⊙ h (z keeps the old state, GRU's convention); b = Wb + Rb. W's r block (the
/// map) never enters a product, so it gets no gradient; the export writes the fixed map back.
/// Tape: Gates holds z, r, n; Aux holds r ⊙ h.
/// </summary>
internal sealed class Mut2Layer<T>(RecurrentLayer core) : MutLayer<T>(core) where T : unmanaged, IFloatingPointIeee754<T>
{
    public override void Forward(LayerTape<T> tape, ReadOnlySpan<T> input, SequenceShape s)
    {
        int hs = Hidden;
        Span<T> recurrentN = new T[hs];
        for (int t = 0; t < s.Steps; t++)
            for (int b = 0; b < s.Batch; b++)
            {
                var g = tape.GatesAt(s, t, b);
                var x = input.Slice(s.Index(t, b) * Inputs, Inputs);
                var hPrev = tape.PreviousHidden(s, t, b);
                TensorPrimitives.Add(Wb, Rb, g);
                BlockMath<T>.AddProduct(x, WT, Rows, 0, g[..hs]);
                BlockMath<T>.AddProduct(x, WT, Rows, 2 * hs, g.Slice(2 * hs, hs));
                for (int k = 0; k < hs; k++) g[hs + k] += x[k % Inputs];
                var zr = g[..(2 * hs)];
                BlockMath<T>.AddProduct(hPrev, RT, Rows, 0, zr);
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
                BlockMath<T>.AddOuter(x, dz, grads[GradW], Rows, 0);
                BlockMath<T>.AddOuter(x, dn, grads[GradW], Rows, 2 * hs);
                AddTo(grads[GradWb], dpre);
                AddTo(grads[GradRb], dpre);
                if (!inputGrad.IsEmpty)
                {
                    var dx = inputGrad.Slice(at * Inputs, Inputs);
                    BlockMath<T>.AddTransposedProduct(dz, WT, Rows, 0, dx);
                    BlockMath<T>.AddTransposedProduct(dn, WT, Rows, 2 * hs, dx);
                    for (int k = 0; k < hs; k++) dx[k % Inputs] += dr[k];
                }
                BlockMath<T>.AddOuter(hPrev, dpre[..(2 * hs)], grads[GradR], Rows, 0);
                BlockMath<T>.AddOuter(aux, dn, grads[GradR], Rows, 2 * hs);
                dhNext.Clear();
                if (t > 0 && !s.StartsFresh(t, b))
                {
                    dhPrev.CopyTo(dhNext);
                    BlockMath<T>.AddTransposedProduct(dpre[..(2 * hs)], RT, Rows, 0, dhNext);
                }
            }
    }
}
