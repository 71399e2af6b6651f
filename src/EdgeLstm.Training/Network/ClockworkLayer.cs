namespace EdgeLstm.Training.Network;

/// <summary>
/// Clockwork RNN (Koutník et al. 2014) exactly as Core's float reference runs it: the H units form
/// equal modules, fastest first, with periods T_0 &lt; T_1 &lt; ...; at clock t (steps since the
/// last reset) module i computes h_i = tanh(clip(W_i x + Wb_i + Rb_i + R_i h[first_i..])) when
/// t mod T_i = 0 and keeps h_i otherwise. R_i reads only modules at least as slow as i: in the
/// transposed R (row j = source unit j) those are columns [0, (module(j) + 1) k), so every product
/// runs on the allowed block and the forbidden weights never get a gradient (they stay zero,
/// which Core's validation demands). A module that does not run passes its gradient straight to
/// the previous step.
/// </summary>
internal sealed class ClockworkLayer<T> : RecurrentCellLayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _periods;
    private readonly int _module;

    public ClockworkLayer(RecurrentLayer core) : base(core)
    {
        _periods = (int[])(core.Periods ?? throw new ArgumentException("a clockwork layer needs periods", nameof(core))).Clone();
        _module = core.ModuleSize;
    }

    public override LayerTape<T> CreateTape(int batch, int steps) => new ClockworkTape<T>(batch, steps, Hidden, HasClip);

    public override RecurrentLayer ToCore()
    {
        var l = base.ToCore();
        l.Periods = (int[])_periods.Clone();
        return l;
    }

    public override void Forward(LayerTape<T> tape, ReadOnlySpan<T> input, SequenceShape s)
    {
        var clockTape = (ClockworkTape<T>)tape;
        int k = _module;
        for (int t = 0; t < s.Steps; t++)
            for (int b = 0; b < s.Batch; b++)
            {
                long clock = clockTape.Tick(s, t, b);
                var x = input.Slice(s.Index(t, b) * Inputs, Inputs);
                var hPrev = tape.PreviousHidden(s, t, b);
                var h = tape.OutputAt(s, t, b);
                for (int m = 0; m < _periods.Length; m++)
                {
                    int first = m * k;
                    var z = h.Slice(first, k);
                    if (!ClockworkCost.Runs(clock, _periods[m]))
                    {
                        hPrev.Slice(first, k).CopyTo(z);
                        continue;
                    }
                    TensorPrimitives.Add(Wb.AsSpan(first, k), Rb.AsSpan(first, k), z);
                    BlockMath<T>.AddProduct(x, WT, Rows, first, z);
                    BlockMath<T>.AddProduct(hPrev[first..], RT.AsSpan(first * Rows), Rows, first, z);
                    if (HasClip) BlockMath<T>.Clip(z, tape.MaskAt(s, t, b).Slice(first, k), ClipValue);
                    TensorPrimitives.Tanh(z, z);
                }
            }
    }

    public override void Backward(LayerTape<T> tape, ReadOnlySpan<T> input, Span<T> inputGrad, SequenceShape s, T[][] grads)
    {
        var clockTape = (ClockworkTape<T>)tape;
        int k = _module;
        Span<T> dh = new T[Hidden];
        Span<T> dz = new T[k];
        Array.Clear(tape.DhNext);
        for (int t = s.Steps - 1; t >= 0; t--)
            for (int b = 0; b < s.Batch; b++)
            {
                int at = s.Index(t, b);
                long clock = clockTape.Clock[at];
                var h = tape.OutputAt(s, t, b);
                var next = tape.DhNext.AsSpan(b * Hidden, Hidden);
                TensorPrimitives.Add(tape.OutputGradAt(s, t, b), next, dh);
                next.Clear(); // from here on: the gradient into h[t-1]
                bool flows = t > 0 && !s.StartsFresh(t, b);
                var x = input.Slice(at * Inputs, Inputs);
                var dx = inputGrad.IsEmpty ? [] : inputGrad.Slice(at * Inputs, Inputs);
                var hPrev = tape.PreviousHidden(s, t, b);
                for (int m = 0; m < _periods.Length; m++)
                {
                    int first = m * k;
                    if (!ClockworkCost.Runs(clock, _periods[m]))
                    {
                        if (flows) TensorPrimitives.Add(next.Slice(first, k), dh.Slice(first, k), next.Slice(first, k));
                        continue;
                    }
                    for (int u = 0; u < k; u++) dz[u] = dh[first + u] * (T.One - h[first + u] * h[first + u]);
                    if (HasClip) TensorPrimitives.Multiply(dz, tape.MaskAt(s, t, b).Slice(first, k), dz);
                    BlockMath<T>.AddOuter(x, dz, grads[GradW], Rows, first);
                    AddTo(grads[GradWb].AsSpan(first, k), dz);
                    AddTo(grads[GradRb].AsSpan(first, k), dz);
                    if (!dx.IsEmpty) BlockMath<T>.AddTransposedProduct(dz, WT, Rows, first, dx);
                    BlockMath<T>.AddOuter(hPrev[first..], dz, grads[GradR].AsSpan(first * Rows), Rows, first);
                    if (flows) BlockMath<T>.AddTransposedProduct(dz, RT.AsSpan(first * Rows), Rows, first, next[first..]);
                }
            }
    }
}
