namespace EdgeLstm.Core.Float;

/// <summary>
/// Float32 reference of attention pooling. Every step scores the new hidden state,
/// e_t = v · tanh(W h_t + B), and keeps h_t and e_t in a ring of <see cref="AttentionPooling.Steps"/>
/// slots allocated once; <see cref="Pool"/> takes the softmax of the kept scores and the weighted
/// sum of the kept states, oldest first. Reset empties the ring.
/// </summary>
internal sealed class FloatAttentionRunner
{
    private readonly AttentionPooling _a;
    private readonly float[] _states, _scores, _pre, _weights;
    private int _count, _next;

    public FloatAttentionRunner(AttentionPooling attention)
    {
        _a = attention;
        _states = new float[attention.Steps * attention.HiddenSize];
        _scores = new float[attention.Steps];
        _weights = new float[attention.Steps];
        _pre = new float[attention.Size];
    }

    /// <summary>Hidden states the next <see cref="Pool"/> averages over.</summary>
    public int Count => _count;

    /// <summary>The attention weights of the last <see cref="Pool"/>, oldest state first.</summary>
    public ReadOnlySpan<float> Weights => _weights.AsSpan(0, _count);

    public void Reset()
    {
        _count = 0;
        _next = 0;
    }

    public void Step(ReadOnlySpan<float> hidden)
    {
        int hs = _a.HiddenSize;
        _a.B.CopyTo(_pre, 0);
        FloatMath.MatVecAdd(_a.W, hidden, _pre);
        float score = 0;
        for (int k = 0; k < _pre.Length; k++) score += _a.V[k] * MathF.Tanh(_pre[k]);
        _scores[_next] = score;
        hidden.CopyTo(_states.AsSpan(_next * hs, hs));
        _next = _next + 1 == _a.Steps ? 0 : _next + 1;
        if (_count < _a.Steps) _count++;
    }

    /// <summary>context = Σ softmax(e)_t h_t over the kept states (zeros before the first step).</summary>
    public void Pool(Span<float> context)
    {
        int hs = _a.HiddenSize, first = (_next - _count + _a.Steps) % _a.Steps;
        context.Clear();
        if (_count == 0) return;
        float max = float.NegativeInfinity;
        for (int i = 0; i < _count; i++) max = MathF.Max(max, _scores[(first + i) % _a.Steps]);
        float sum = 0;
        for (int i = 0; i < _count; i++) sum += _weights[i] = MathF.Exp(_scores[(first + i) % _a.Steps] - max);
        for (int i = 0; i < _count; i++)
        {
            float alpha = _weights[i] /= sum;
            var h = _states.AsSpan((first + i) % _a.Steps * hs, hs);
            for (int k = 0; k < hs; k++) context[k] += alpha * h[k];
        }
    }
}
