namespace EdgeLstm.Training.Network;

/// <summary>
/// The classification head over the last layer's hidden sequence with its loss. A head sees the
/// whole sequence, so pooling heads (attention over hidden states, issue 8) fit the same slot.
/// Every head ends in Core's dense layer, logits = W v + B, and keeps it here: a head differs only
/// in what v is (the hidden state, or a pooled one).
/// </summary>
internal abstract class TrainableHead<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Gradient indices of the dense layer, the first two of <see cref="Parameters"/>.</summary>
    protected const int GradW = 0, GradB = 1;

    private readonly T[] _w, _b;
    private readonly ParameterTensor<T>[] _parameters;

    protected TrainableHead(DenseLayer core)
    {
        InputSize = core.InputSize;
        Classes = core.OutputSize;
        _w = Convert(core.W);
        _b = Convert(core.B);
        _parameters = [new("head.W", _w, true), new("head.B", _b, false)];
    }

    public int InputSize { get; }
    public int Classes { get; }

    /// <summary>The dense layer's W and B, then a head's own.</summary>
    public virtual IReadOnlyList<ParameterTensor<T>> Parameters => _parameters;

    /// <summary>A shard's tape for this head, for chunks of at most batch x steps (each shard worker owns one).</summary>
    public virtual HeadTape<T> CreateTape(int batch, int steps) => new(Classes);

    /// <summary>
    /// Loss and gradients for every (t, b) whose target is a class (targets[t * batch + b] ≥ 0):
    /// weighted cross-entropy, each term scaled by lossScale (1 / the batch's total weight, so the
    /// shards' sums add up to the weighted mean). Writes dLoss/dhidden (zero where no target) and
    /// adds parameter gradients. Returns the unscaled weighted loss sum and the correct count.
    /// Everything it writes besides hiddenGrad and grads goes to the shard's tape.
    /// </summary>
    public abstract (double Loss, int Correct) ForwardBackward(HeadTape<T> tape, ReadOnlySpan<T> hidden, Span<T> hiddenGrad, SequenceShape shape,
        ReadOnlySpan<int> targets, ReadOnlySpan<T> classWeights, T lossScale, T[][] grads);

    /// <summary>Predicted class for every (t, b) with a target (others get -1); returns the weighted loss sum.</summary>
    public double Predict(HeadTape<T> tape, ReadOnlySpan<T> hidden, SequenceShape shape, ReadOnlySpan<int> targets, ReadOnlySpan<T> classWeights, Span<int> predicted)
    {
        BeginPass(tape, hidden, shape);
        var p = tape.Logits;
        double loss = 0;
        for (int at = 0; at < shape.Batch * shape.Steps; at++)
        {
            int y = targets[at];
            predicted[at] = -1;
            if (y < 0) continue;
            predicted[at] = DenseLogits(DenseInput(tape, hidden, shape, at), p);
            loss += double.CreateChecked(-classWeights[y] * LogSoftmaxInPlace(p, y));
        }
        return loss;
    }

    /// <summary>What a pass over a chunk computes once before its targets are classified (the attention scores); nothing by default.</summary>
    protected virtual void BeginPass(HeadTape<T> tape, ReadOnlySpan<T> hidden, SequenceShape shape) { }

    /// <summary>The vector the dense layer classifies for the target at index at (t * batch + b) of the chunk.</summary>
    protected abstract ReadOnlySpan<T> DenseInput(HeadTape<T> tape, ReadOnlySpan<T> hidden, SequenceShape shape, int at);

    /// <summary>The dense layer's logits of one (hidden or pooled) vector.</summary>
    public void Logits(ReadOnlySpan<T> v, Span<T> logits) => DenseLogits(v, logits);

    public DenseLayer ToCore()
    {
        var d = new DenseLayer(InputSize, Classes);
        Export(_w, d.W);
        Export(_b, d.B);
        return d;
    }

    /// <summary>The attention pooling in Core's layout, or null for a head on the last hidden state.</summary>
    public virtual AttentionPooling? AttentionToCore() => null;

    /// <summary>
    /// The dense layer's logits p = W v + b (W row-major, Classes x v.Length) and their arg max
    /// (first of equals, like Core's ArgMax).
    /// </summary>
    protected int DenseLogits(ReadOnlySpan<T> v, Span<T> p)
    {
        int best = 0;
        for (int c = 0; c < _b.Length; c++)
        {
            p[c] = _b[c] + TensorPrimitives.Dot(_w.AsSpan(c * v.Length, v.Length), v);
            if (p[c] > p[best]) best = c;
        }
        return best;
    }

    /// <summary>
    /// The loss of one target y with class weight <paramref name="weight"/> from the logits p of v
    /// (<see cref="DenseLogits"/>), and its backward pass through the softmax and the dense layer:
    /// p becomes dLoss/dlogits = lossScale · weight · (softmax − [c = y]), then dv += Wᵀ p,
    /// dW += p ⊗ v, dB += p. Returns the unscaled weighted loss −weight · log p_y.
    /// </summary>
    protected double DenseBackward(ReadOnlySpan<T> v, Span<T> p, int y, T weight, T lossScale, Span<T> dv, T[][] grads)
    {
        int n = v.Length;
        T logP = LogSoftmaxInPlace(p, y);
        double loss = double.CreateChecked(-weight * logP);
        // dLoss/dlogit_c = scale * w * (p_c - [c = y]); p now holds probabilities.
        p[y] -= T.One;
        TensorPrimitives.Multiply(p, weight * lossScale, p);
        for (int c = 0; c < Classes; c++)
        {
            TensorPrimitives.MultiplyAdd(_w.AsSpan(c * n, n), p[c], dv, dv);
            var dRow = grads[GradW].AsSpan(c * n, n);
            TensorPrimitives.MultiplyAdd(v, p[c], dRow, dRow);
            grads[GradB][c] += p[c];
        }
        return loss;
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

    protected static T[] Convert(float[] values) => values.Select(v => T.CreateChecked(v)).ToArray();

    protected static void Export(T[] from, float[] to)
    {
        for (int i = 0; i < from.Length; i++) to[i] = float.CreateChecked(from[i]);
    }
}
