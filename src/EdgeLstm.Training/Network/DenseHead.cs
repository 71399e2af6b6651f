namespace EdgeLstm.Training.Network;

/// <summary>Core's dense head, logits = W h + B per labelled step, with softmax cross-entropy.</summary>
internal sealed class DenseHead<T>(DenseLayer core) : TrainableHead<T>(core) where T : unmanaged, IFloatingPointIeee754<T>
{
    public override (double Loss, int Correct) ForwardBackward(HeadTape<T> tape, ReadOnlySpan<T> hidden, Span<T> hiddenGrad, SequenceShape s,
        ReadOnlySpan<int> targets, ReadOnlySpan<T> classWeights, T lossScale, T[][] grads)
    {
        int hs = InputSize;
        var p = tape.Logits;
        hiddenGrad[..(s.Batch * s.Steps * hs)].Clear();
        double loss = 0;
        int correct = 0;
        for (int at = 0; at < s.Batch * s.Steps; at++)
        {
            int y = targets[at];
            if (y < 0) continue;
            var h = hidden.Slice(at * hs, hs);
            if (DenseLogits(h, p) == y) correct++;
            loss += DenseBackward(h, p, y, classWeights[y], lossScale, hiddenGrad.Slice(at * hs, hs), grads);
        }
        return (loss, correct);
    }

    protected override ReadOnlySpan<T> DenseInput(HeadTape<T> tape, ReadOnlySpan<T> hidden, SequenceShape s, int at) => hidden.Slice(at * InputSize, InputSize);
}
