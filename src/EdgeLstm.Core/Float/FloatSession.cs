namespace EdgeLstm.Core.Float;

/// <summary>
/// The float32 reference engine as a streaming session: normalizes a raw sample with the
/// model's statistics, steps every layer, and produces logits and softmax probabilities.
/// State and scratch are allocated once; Step and Reset allocate nothing. With an attention head
/// a step only scores and buffers the hidden state; the pooling and the dense head run when the
/// output is first read after a step (logits, probabilities, prediction), once per window in
/// windowed use.
/// </summary>
public sealed class FloatSession : IClassifierSession
{
    private readonly FloatNetwork _network;
    private readonly float[] _mean, _invStd;
    private readonly FloatCellStep[] _runners;
    private readonly float[] _input, _logits, _probabilities;
    private readonly FloatAttentionRunner? _attention;
    private readonly float[] _context;
    private bool _headStale;

    public FloatSession(FloatNetwork network, ModelMetadata metadata)
    {
        _network = network;
        _runners = new FloatCellStep[network.Layers.Count];
        for (int i = 0; i < _runners.Length; i++) _runners[i] = network.Layers[i].Definition.CreateFloatStep(network.Layers[i], i > 0 ? _runners[i - 1] : null);
        _input = new float[network.InputSize];
        _logits = new float[network.OutputSize];
        _probabilities = new float[network.OutputSize];
        (_mean, _invStd) = Normalization.From(metadata, network.InputSize);
        _attention = network.Attention is null ? null : new FloatAttentionRunner(network.Attention);
        _context = new float[network.Head.InputSize];
    }

    public int InputSize => _network.InputSize;
    public int OutputSize => _network.OutputSize;
    public ReadOnlySpan<float> Logits { get { RunHead(); return _logits; } }
    public ReadOnlySpan<float> Probabilities { get { RunHead(); return _probabilities; } }

    /// <summary>What the dense head classified after the last step: the last hidden state or the attention context.</summary>
    public ReadOnlySpan<float> HeadInput { get { RunHead(); return _attention is null ? _runners[^1].Hidden : _context; } }

    /// <summary>The attention weights over the buffered window, oldest first (empty without an attention head).</summary>
    public ReadOnlySpan<float> AttentionWeights { get { RunHead(); return _attention is null ? default : _attention.Weights; } }

    /// <summary>The normalized input of the last step (what the first layer saw).</summary>
    public ReadOnlySpan<float> NormalizedInput => _input;

    public int LayerCount => _runners.Length;
    public ReadOnlySpan<float> Hidden(int layer) => _runners[layer].Hidden;
    public ReadOnlySpan<float> Cell(int layer) => _runners[layer].Cell;

    public void Reset()
    {
        foreach (var r in _runners) r.Reset();
        _attention?.Reset();
        if (_attention is not null) _headStale = true;
    }

    /// <summary>
    /// Sets layer k's hidden state (and cell state; empty means zeros), e.g. to an ONNX model's
    /// initial_h and initial_c. Not part of the per-step path; Reset returns to zeros.
    /// </summary>
    public void SetState(int layer, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell)
    {
        CheckState(_network.Layers[layer].HiddenSize, hidden, cell);
        _runners[layer].SetState(hidden, cell);
    }

    internal static void CheckState(int hiddenSize, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell)
    {
        if (hidden.Length != hiddenSize || (!cell.IsEmpty && cell.Length != hiddenSize))
            throw new ArgumentException($"state has {hidden.Length} hidden and {cell.Length} cell values, the layer has {hiddenSize} units");
    }

    public void Step(ReadOnlySpan<float> sample)
    {
        if (sample.Length != _input.Length)
            throw new ArgumentException($"sample has {sample.Length} values, the model takes {_input.Length}", nameof(sample));
        for (int j = 0; j < _input.Length; j++) _input[j] = (sample[j] - _mean[j]) * _invStd[j];
        ReadOnlySpan<float> x = _input;
        foreach (var r in _runners)
        {
            r.Step(x);
            x = r.Hidden;
        }
        if (_attention is null)
        {
            Classify(x);
            return;
        }
        _attention.Step(x);
        _headStale = true;
    }

    private void RunHead()
    {
        if (!_headStale) return;
        _headStale = false;
        _attention!.Pool(_context);
        Classify(_context);
    }

    private void Classify(ReadOnlySpan<float> x)
    {
        var head = _network.Head;
        head.B.CopyTo(_logits, 0);
        FloatMath.MatVecAdd(head.W, x, _logits);
        FloatMath.Softmax(_logits, _probabilities);
    }

    public void GetProbabilities(Span<float> destination) => Probabilities.CopyTo(destination);

    public int Predicted => ArgMax.Of(Logits);
}
