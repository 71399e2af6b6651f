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
    protected override void PreActivate(Span<T> g, ReadOnlySpan<T> x, ReadOnlySpan<T> hPrev, Span<T> work)
    {
        int hs = Hidden;
        var zr = g[..(2 * hs)];
        Wb.AsSpan(0, 2 * hs).CopyTo(zr);
        BlockMath<T>.AddProduct(x, WT, Rows, 0, zr);
        TensorPrimitives.Add(zr, Rb.AsSpan(0, 2 * hs), zr);
        BlockMath<T>.AddProduct(hPrev, RT, Rows, hs, g.Slice(hs, hs));
        TensorPrimitives.Add(Wb.AsSpan(2 * hs, hs), Rb.AsSpan(2 * hs, hs), g.Slice(2 * hs, hs));
    }

    /// <summary>n += tanh(x̃), x̃_k = x_(k mod I).</summary>
    protected override void AddAfterReset(Span<T> n, ReadOnlySpan<T> x)
    {
        for (int k = 0; k < Hidden; k++) n[k] += T.Tanh(x[k % Inputs]);
    }

    protected override void GateGradients(ReadOnlySpan<T> x, ReadOnlySpan<T> hPrev, ReadOnlySpan<T> dpre, Span<T> dx, T[][] grads, Span<T> work)
    {
        int hs = Hidden;
        var dr = dpre.Slice(hs, hs);
        var dn = dpre.Slice(2 * hs, hs);
        BlockMath<T>.AddOuter(x, dpre[..(2 * hs)], grads[GradW], Rows, 0);
        AddTo(grads[GradWb], dpre);
        AddTo(grads[GradRb], dpre);
        if (!dx.IsEmpty)
        {
            BlockMath<T>.AddTransposedProduct(dpre[..(2 * hs)], WT, Rows, 0, dx);
            for (int k = 0; k < hs; k++)
            {
                T tx = T.Tanh(x[k % Inputs]);
                dx[k % Inputs] += dn[k] * (T.One - tx * tx);
            }
        }
        BlockMath<T>.AddOuter(hPrev, dr, grads[GradR], Rows, hs);
    }

    protected override void RecurrentGradient(ReadOnlySpan<T> hPrev, ReadOnlySpan<T> dpre, Span<T> dhNext, Span<T> work) =>
        BlockMath<T>.AddTransposedProduct(dpre.Slice(Hidden, Hidden), RT, Rows, Hidden, dhNext);
}
