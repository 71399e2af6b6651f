namespace EdgeLstm.Training.Network;

/// <summary>Elman RNN: h = tanh(clip(W x + Wb + R h + Rb)).</summary>
internal sealed class RnnLayer<T>(RecurrentLayer core) : RecurrentCellLayer<T>(core) where T : unmanaged, IFloatingPointIeee754<T>
{
    public override LayerTape<T> CreateTape(int batch, int steps) =>
        new(batch, steps, Hidden, gateWidth: Hidden, hasCell: false, hasAux: false, hasMask: HasClip);

    public override void Forward(LayerTape<T> tape, ReadOnlySpan<T> input, SequenceShape s)
    {
        for (int t = 0; t < s.Steps; t++)
            for (int b = 0; b < s.Batch; b++)
            {
                var h = tape.OutputAt(s, t, b);
                InputPreactivation(input.Slice(s.Index(t, b) * Inputs, Inputs), tape.PreviousHidden(s, t, b), h, includeRecurrent: true);
                if (HasClip) BlockMath<T>.Clip(h, tape.MaskAt(s, t, b), ClipValue);
                TensorPrimitives.Tanh(h, h);
            }
    }

    public override void Backward(LayerTape<T> tape, ReadOnlySpan<T> input, Span<T> inputGrad, SequenceShape s, T[][] grads)
    {
        Span<T> dz = new T[Hidden];
        Array.Clear(tape.DhNext);
        for (int t = s.Steps - 1; t >= 0; t--)
            for (int b = 0; b < s.Batch; b++)
            {
                var h = tape.OutputAt(s, t, b);
                var dh = tape.OutputGradAt(s, t, b);
                var next = tape.DhNext.AsSpan(b * Hidden, Hidden);
                for (int k = 0; k < Hidden; k++) dz[k] = (dh[k] + next[k]) * (T.One - h[k] * h[k]);
                if (HasClip) TensorPrimitives.Multiply(dz, tape.MaskAt(s, t, b), dz);

                int at = s.Index(t, b);
                InputBackward(input.Slice(at * Inputs, Inputs), dz, inputGrad.IsEmpty ? [] : inputGrad.Slice(at * Inputs, Inputs), grads);
                var hPrev = tape.PreviousHidden(s, t, b);
                BlockMath<T>.AddOuter(hPrev, dz, grads[GradR], Rows, 0);
                AddTo(grads[GradRb], dz);
                next.Clear();
                if (t > 0 && !s.StartsFresh(t, b)) BlockMath<T>.AddTransposedProduct(dz, RT, Rows, 0, next);
            }
    }
}
