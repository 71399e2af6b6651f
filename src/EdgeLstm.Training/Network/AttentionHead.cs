namespace EdgeLstm.Training.Network;

/// <summary>
/// Attention pooling then Core's dense head (docs/attention.md). For a target at step t of
/// sequence b it pools the hidden states from the sequence's last reset (at most Steps back) to
/// t: a_τ = tanh(W h_τ + B), e_τ = v · a_τ, α = softmax(e), c = Σ α_τ h_τ, logits = W_d c + B_d,
/// exactly what the float engine's session computes after the same steps. Backward, with
/// g = dLoss/dc: dα_τ = g · h_τ, de_τ = α_τ (dα_τ − Σ_σ α_σ dα_σ), dh_τ += α_τ g + Wᵀ(de_τ v ⊙ (1 − a_τ²)).
/// </summary>
internal sealed class AttentionHead<T> : TrainableHead<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int GradAW = 2, GradAB = 3, GradV = 4;
    private readonly T[] _aw, _ab, _v;
    private readonly ParameterTensor<T>[] _parameters;
    private readonly int _size, _steps;

    public AttentionHead(DenseLayer core, AttentionPooling attention) : base(core)
    {
        _size = attention.Size;
        _steps = attention.Steps;
        _aw = Convert(attention.W);
        _ab = Convert(attention.B);
        _v = Convert(attention.V);
        _parameters = [.. base.Parameters, new("attention.W", _aw, true), new("attention.B", _ab, false), new("attention.v", _v, true)];
    }

    public override IReadOnlyList<ParameterTensor<T>> Parameters => _parameters;

    public override HeadTape<T> CreateTape(int batch, int steps) => new AttentionTape<T>(batch, steps, Classes, InputSize, _size, _steps);

    public override (double Loss, int Correct) ForwardBackward(HeadTape<T> tape, ReadOnlySpan<T> hidden, Span<T> hiddenGrad, SequenceShape s,
        ReadOnlySpan<int> targets, ReadOnlySpan<T> classWeights, T lossScale, T[][] grads)
    {
        int hs = InputSize;
        hiddenGrad[..(s.Batch * s.Steps * hs)].Clear();
        var attention = Score(tape, hidden, s);
        var (p, context, dc, alpha, dAlpha, dz) = (attention.Logits, attention.Context, attention.ContextGrad, attention.Alpha, attention.AlphaGrad, attention.ScoreGrad);
        double loss = 0;
        int correct = 0;
        for (int at = 0; at < s.Batch * s.Steps; at++)
        {
            int y = targets[at];
            if (y < 0) continue;
            int t = at / s.Batch, b = at % s.Batch, start = WindowStart(s, t, b), length = t - start + 1;
            Pool(attention, hidden, s, start, length, b);
            if (DenseLogits(context, p) == y) correct++;
            Array.Clear(dc);
            loss += DenseBackward(context, p, y, classWeights[y], lossScale, dc, grads);
            // Softmax backward: de_τ = α_τ (dα_τ − Σ α dα).
            T mean = T.Zero;
            for (int i = 0; i < length; i++)
            {
                dAlpha[i] = TensorPrimitives.Dot(dc, HiddenAt(hidden, s, start + i, b));
                mean += alpha[i] * dAlpha[i];
            }
            for (int i = 0; i < length; i++)
            {
                int tau = s.Index(start + i, b);
                var h = HiddenAt(hidden, s, start + i, b);
                var dh = hiddenGrad.Slice(tau * hs, hs);
                TensorPrimitives.MultiplyAdd(dc, alpha[i], dh, dh);
                T de = alpha[i] * (dAlpha[i] - mean);
                var a = attention.ActivationAt(tau);
                TensorPrimitives.MultiplyAdd(a, de, grads[GradV], grads[GradV]);
                for (int k = 0; k < _size; k++) dz[k] = de * _v[k] * (T.One - a[k] * a[k]);
                TensorPrimitives.Add(grads[GradAB], dz, grads[GradAB]);
                for (int k = 0; k < _size; k++)
                {
                    var dRow = grads[GradAW].AsSpan(k * hs, hs);
                    TensorPrimitives.MultiplyAdd(h, dz[k], dRow, dRow);
                    TensorPrimitives.MultiplyAdd(_aw.AsSpan(k * hs, hs), dz[k], dh, dh);
                }
            }
        }
        return (loss, correct);
    }

    protected override void BeginPass(HeadTape<T> tape, ReadOnlySpan<T> hidden, SequenceShape s) => Score(tape, hidden, s);

    /// <summary>The context pooled over the target's window (the scores are the pass's, <see cref="BeginPass"/>).</summary>
    protected override ReadOnlySpan<T> DenseInput(HeadTape<T> tape, ReadOnlySpan<T> hidden, SequenceShape s, int at)
    {
        var attention = (AttentionTape<T>)tape;
        int t = at / s.Batch, b = at % s.Batch, start = WindowStart(s, t, b);
        Pool(attention, hidden, s, start, t - start + 1, b);
        return attention.Context;
    }

    /// <summary>The logits after step t of sequence b of the hidden sequence of a forward pass (tests compare them with the float engine).</summary>
    public void WindowLogits(HeadTape<T> tape, ReadOnlySpan<T> hidden, SequenceShape s, int t, int b, Span<T> logits)
    {
        var attention = Score(tape, hidden, s);
        int start = WindowStart(s, t, b);
        Pool(attention, hidden, s, start, t - start + 1, b);
        DenseLogits(attention.Context, logits);
    }

    public override AttentionPooling AttentionToCore()
    {
        var a = new AttentionPooling(InputSize, _size, _steps);
        Export(_aw, a.W);
        Export(_ab, a.B);
        Export(_v, a.V);
        return a;
    }

    /// <summary>a_τ = tanh(W h_τ + B) and e_τ = v · a_τ for every step of the chunk, into the shard's tape.</summary>
    private AttentionTape<T> Score(HeadTape<T> headTape, ReadOnlySpan<T> hidden, SequenceShape s)
    {
        var tape = (AttentionTape<T>)headTape;
        int n = s.Batch * s.Steps, hs = InputSize;
        if (tape.Scores.Length < n) throw new ArgumentOutOfRangeException(nameof(s), "chunk larger than the head's tape");
        for (int at = 0; at < n; at++)
        {
            var h = hidden.Slice(at * hs, hs);
            var a = tape.ActivationAt(at);
            for (int k = 0; k < _size; k++) a[k] = T.Tanh(_ab[k] + TensorPrimitives.Dot(_aw.AsSpan(k * hs, hs), h));
            tape.Scores[at] = TensorPrimitives.Dot(_v, a);
        }
        return tape;
    }

    /// <summary>First step pooled for a target at step t: the sequence's last reset, at most Steps back, or the chunk start.</summary>
    private int WindowStart(SequenceShape s, int t, int b)
    {
        int start = t;
        while (start > 0 && !s.StartsFresh(start, b) && t - start + 1 < _steps) start--;
        return start;
    }

    /// <summary>α over the pooled steps into tape.Alpha and c = Σ α_τ h_τ into tape.Context.</summary>
    private void Pool(AttentionTape<T> tape, ReadOnlySpan<T> hidden, SequenceShape s, int start, int length, int b)
    {
        var (scores, alpha, context) = (tape.Scores, tape.Alpha, tape.Context);
        T max = T.NegativeInfinity;
        for (int i = 0; i < length; i++) max = T.Max(max, scores[s.Index(start + i, b)]);
        T sum = T.Zero;
        for (int i = 0; i < length; i++) sum += alpha[i] = T.Exp(scores[s.Index(start + i, b)] - max);
        Array.Clear(context);
        for (int i = 0; i < length; i++)
        {
            alpha[i] /= sum;
            TensorPrimitives.MultiplyAdd(HiddenAt(hidden, s, start + i, b), alpha[i], context, context);
        }
    }

    private ReadOnlySpan<T> HiddenAt(ReadOnlySpan<T> hidden, SequenceShape s, int t, int b) => hidden.Slice(s.Index(t, b) * InputSize, InputSize);
}
