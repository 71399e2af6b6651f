namespace EdgeLstm.Training.Network;

/// <summary>
/// MUT3 (Jozefowicz et al. 2015) as Core's float reference runs it (Core's Mut3Cell): z = σ(W_z x +
/// R_z tanh(h) + b_z), r = σ(W_r x + R_r h + b_r), n = tanh(W_h x + R_h (r ⊙ h) + b_h),
/// h' = (1 - z) ⊙ n + z ⊙ h (z keeps the old state, GRU's convention); b = Wb + Rb.
/// Tape: Gates holds z, r, n; Aux holds r ⊙ h; tanh(h) is recomputed from h in the backward pass.
/// </summary>
internal sealed class Mut3Layer<T>(RecurrentLayer core) : MutLayer<T>(core) where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override void PreActivate(Span<T> g, ReadOnlySpan<T> x, ReadOnlySpan<T> hPrev, Span<T> work)
    {
        int hs = Hidden;
        var tanhHidden = work[..hs];
        TensorPrimitives.Add(Wb, Rb, g);
        BlockMath<T>.AddProduct(x, WT, Rows, 0, g);
        TensorPrimitives.Tanh(hPrev, tanhHidden);
        BlockMath<T>.AddProduct(tanhHidden, RT, Rows, 0, g[..hs]);
        BlockMath<T>.AddProduct(hPrev, RT, Rows, hs, g.Slice(hs, hs));
    }

    /// <summary>Leaves tanh(h) in the first half of <paramref name="work"/> for <see cref="RecurrentGradient"/>.</summary>
    protected override void GateGradients(ReadOnlySpan<T> x, ReadOnlySpan<T> hPrev, ReadOnlySpan<T> dpre, Span<T> dx, T[][] grads, Span<T> work)
    {
        int hs = Hidden;
        var tanhHidden = work[..hs];
        TensorPrimitives.Tanh(hPrev, tanhHidden);
        InputBackward(x, dpre, dx, grads);
        AddTo(grads[GradRb], dpre);
        BlockMath<T>.AddOuter(tanhHidden, dpre[..hs], grads[GradR], Rows, 0);
        BlockMath<T>.AddOuter(hPrev, dpre.Slice(hs, hs), grads[GradR], Rows, hs);
    }

    /// <summary>Through r's product on h and z's on tanh(h): dhNext += R_rᵀ dr + (R_zᵀ dz) ⊙ (1 - tanh²(h)).</summary>
    protected override void RecurrentGradient(ReadOnlySpan<T> hPrev, ReadOnlySpan<T> dpre, Span<T> dhNext, Span<T> work)
    {
        int hs = Hidden;
        var tanhHidden = work[..hs];
        var dtanh = work.Slice(hs, hs);
        BlockMath<T>.AddTransposedProduct(dpre.Slice(hs, hs), RT, Rows, hs, dhNext);
        dtanh.Clear();
        BlockMath<T>.AddTransposedProduct(dpre[..hs], RT, Rows, 0, dtanh);
        for (int k = 0; k < hs; k++) dhNext[k] += dtanh[k] * (T.One - tanhHidden[k] * tanhHidden[k]);
    }
}
