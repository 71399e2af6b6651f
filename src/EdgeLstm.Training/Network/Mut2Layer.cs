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
    protected override void PreActivate(Span<T> g, ReadOnlySpan<T> x, ReadOnlySpan<T> hPrev, Span<T> work)
    {
        int hs = Hidden;
        TensorPrimitives.Add(Wb, Rb, g);
        BlockMath<T>.AddProduct(x, WT, Rows, 0, g[..hs]);
        BlockMath<T>.AddProduct(x, WT, Rows, 2 * hs, g.Slice(2 * hs, hs));
        for (int k = 0; k < hs; k++) g[hs + k] += x[k % Inputs];
        BlockMath<T>.AddProduct(hPrev, RT, Rows, 0, g[..(2 * hs)]);
    }

    protected override void GateGradients(ReadOnlySpan<T> x, ReadOnlySpan<T> hPrev, ReadOnlySpan<T> dpre, Span<T> dx, T[][] grads, Span<T> work)
    {
        int hs = Hidden;
        var dz = dpre[..hs];
        var dr = dpre.Slice(hs, hs);
        var dn = dpre.Slice(2 * hs, hs);
        BlockMath<T>.AddOuter(x, dz, grads[GradW], Rows, 0);
        BlockMath<T>.AddOuter(x, dn, grads[GradW], Rows, 2 * hs);
        AddTo(grads[GradWb], dpre);
        AddTo(grads[GradRb], dpre);
        if (!dx.IsEmpty)
        {
            BlockMath<T>.AddTransposedProduct(dz, WT, Rows, 0, dx);
            BlockMath<T>.AddTransposedProduct(dn, WT, Rows, 2 * hs, dx);
            for (int k = 0; k < hs; k++) dx[k % Inputs] += dr[k];
        }
        BlockMath<T>.AddOuter(hPrev, dpre[..(2 * hs)], grads[GradR], Rows, 0);
    }

    protected override void RecurrentGradient(ReadOnlySpan<T> hPrev, ReadOnlySpan<T> dpre, Span<T> dhNext, Span<T> work) =>
        BlockMath<T>.AddTransposedProduct(dpre[..(2 * Hidden)], RT, Rows, 0, dhNext);
}
