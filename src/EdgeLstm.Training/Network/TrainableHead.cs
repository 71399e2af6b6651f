using System.Numerics;
using System.Numerics.Tensors;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Training.Network;

/// <summary>
/// The classification head over the last layer's hidden sequence with its loss. A head sees the
/// whole sequence, so pooling heads (attention over hidden states, issue 8) fit the same slot.
/// </summary>
internal abstract class TrainableHead<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public abstract int InputSize { get; }
    public abstract int Classes { get; }
    public abstract IReadOnlyList<ParameterTensor<T>> Parameters { get; }

    /// <summary>
    /// Loss and gradients for every (t, b) whose target is a class (targets[t * batch + b] ≥ 0):
    /// weighted cross-entropy, each term scaled by lossScale (1 / the batch's total weight, so the
    /// shards' sums add up to the weighted mean). Writes dLoss/dhidden (zero where no target) and
    /// adds parameter gradients. Returns the unscaled weighted loss sum and the correct count.
    /// </summary>
    public abstract (double Loss, int Correct) ForwardBackward(ReadOnlySpan<T> hidden, Span<T> hiddenGrad, SequenceShape shape,
        ReadOnlySpan<int> targets, ReadOnlySpan<T> classWeights, T lossScale, T[][] grads);

    /// <summary>Predicted class for every (t, b) with a target (others get -1); returns the weighted loss sum.</summary>
    public abstract double Predict(ReadOnlySpan<T> hidden, SequenceShape shape, ReadOnlySpan<int> targets, ReadOnlySpan<T> classWeights, Span<int> predicted);

    /// <summary>The logits of one hidden vector.</summary>
    public abstract void Logits(ReadOnlySpan<T> hidden, Span<T> logits);

    public abstract DenseLayer ToCore();

    /// <summary>The attention pooling in Core's layout, or null for a head on the last hidden state.</summary>
    public virtual AttentionPooling? AttentionToCore() => null;

    /// <summary>
    /// The dense layer's logits p = W h + b (W row-major, Classes x h.Length) and their arg max
    /// (first of equals, like Core's ArgMax). Shared by every head: they differ in what h is.
    /// </summary>
    protected static int DenseLogits(T[] w, T[] b, ReadOnlySpan<T> h, Span<T> p)
    {
        int best = 0;
        for (int c = 0; c < b.Length; c++)
        {
            p[c] = b[c] + TensorPrimitives.Dot(w.AsSpan(c * h.Length, h.Length), h);
            if (p[c] > p[best]) best = c;
        }
        return best;
    }

    /// <summary>Turns logits into probabilities in place and returns log p[y], computed stably.</summary>
    protected static T LogSoftmaxInPlace(Span<T> p, int y)
    {
        T max = TensorPrimitives.Max<T>(p);
        T sum = T.Zero;
        for (int c = 0; c < p.Length; c++) sum += T.Exp(p[c] - max);
        T logP = p[y] - max - T.Log(sum);
        for (int c = 0; c < p.Length; c++) p[c] = T.Exp(p[c] - max) / sum;
        return logP;
    }
}
