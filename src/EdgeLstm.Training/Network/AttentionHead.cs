using System.Numerics;
using System.Numerics.Tensors;
using EdgeLstm.Core.Model;

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
    private T[] _act = [], _scores = [];

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

    public override (double Loss, int Correct) ForwardBackward(ReadOnlySpan<T> hidden, Span<T> hiddenGrad, SequenceShape s,
        ReadOnlySpan<int> targets, ReadOnlySpan<T> classWeights, T lossScale, T[][] grads)
    {
        int hs = InputSize;
        hiddenGrad[..(s.Batch * s.Steps * hs)].Clear();
        Score(hidden, s);
        var p = new T[Classes];
        var context = new T[hs];
        var dc = new T[hs];
        var alpha = new T[_steps];
        var dAlpha = new T[_steps];
        var dz = new T[_size];
        double loss = 0;
        int correct = 0;
        for (int at = 0; at < s.Batch * s.Steps; at++)
        {
            int y = targets[at];
            if (y < 0) continue;
            int t = at / s.Batch, b = at % s.Batch, start = WindowStart(s, t, b), length = t - start + 1;
            Pool(hidden, s, start, length, b, alpha, context);
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
                var a = _act.AsSpan(tau * _size, _size);
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

    public override double Predict(ReadOnlySpan<T> hidden, SequenceShape s, ReadOnlySpan<int> targets, ReadOnlySpan<T> classWeights, Span<int> predicted)
    {
        Score(hidden, s);
        var p = new T[Classes];
        var context = new T[InputSize];
        var alpha = new T[_steps];
        double loss = 0;
        for (int at = 0; at < s.Batch * s.Steps; at++)
        {
            int y = targets[at];
            predicted[at] = -1;
            if (y < 0) continue;
            int t = at / s.Batch, b = at % s.Batch, start = WindowStart(s, t, b);
            Pool(hidden, s, start, t - start + 1, b, alpha, context);
            predicted[at] = DenseLogits(context, p);
            loss += double.CreateChecked(-classWeights[y] * LogSoftmaxInPlace(p, y));
        }
        return loss;
    }

    /// <summary>The logits after step t of sequence b of the last forward pass (tests compare them with the float engine).</summary>
    public void WindowLogits(ReadOnlySpan<T> hidden, SequenceShape s, int t, int b, Span<T> logits)
    {
        Score(hidden, s);
        var context = new T[InputSize];
        int start = WindowStart(s, t, b);
        Pool(hidden, s, start, t - start + 1, b, new T[_steps], context);
        DenseLogits(context, logits);
    }

    public override AttentionPooling AttentionToCore()
    {
        var a = new AttentionPooling(InputSize, _size, _steps);
        Export(_aw, a.W);
        Export(_ab, a.B);
        Export(_v, a.V);
        return a;
    }

    /// <summary>a_τ = tanh(W h_τ + B) and e_τ = v · a_τ for every step of the chunk.</summary>
    private void Score(ReadOnlySpan<T> hidden, SequenceShape s)
    {
        int n = s.Batch * s.Steps, hs = InputSize;
        if (_scores.Length < n)
        {
            _scores = new T[n];
            _act = new T[n * _size];
        }
        for (int at = 0; at < n; at++)
        {
            var h = hidden.Slice(at * hs, hs);
            var a = _act.AsSpan(at * _size, _size);
            for (int k = 0; k < _size; k++) a[k] = T.Tanh(_ab[k] + TensorPrimitives.Dot(_aw.AsSpan(k * hs, hs), h));
            _scores[at] = TensorPrimitives.Dot(_v, a);
        }
    }

    /// <summary>First step pooled for a target at step t: the sequence's last reset, at most Steps back, or the chunk start.</summary>
    private int WindowStart(SequenceShape s, int t, int b)
    {
        int start = t;
        while (start > 0 && !s.StartsFresh(start, b) && t - start + 1 < _steps) start--;
        return start;
    }

    private void Pool(ReadOnlySpan<T> hidden, SequenceShape s, int start, int length, int b, Span<T> alpha, Span<T> context)
    {
        T max = T.NegativeInfinity;
        for (int i = 0; i < length; i++) max = T.Max(max, _scores[s.Index(start + i, b)]);
        T sum = T.Zero;
        for (int i = 0; i < length; i++) sum += alpha[i] = T.Exp(_scores[s.Index(start + i, b)] - max);
        context.Clear();
        for (int i = 0; i < length; i++)
        {
            alpha[i] /= sum;
            TensorPrimitives.MultiplyAdd(HiddenAt(hidden, s, start + i, b), alpha[i], context, context);
        }
    }

    private ReadOnlySpan<T> HiddenAt(ReadOnlySpan<T> hidden, SequenceShape s, int t, int b) => hidden.Slice(s.Index(t, b) * InputSize, InputSize);
}
