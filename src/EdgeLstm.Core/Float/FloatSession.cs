using EdgeLstm.Core.Model;

namespace EdgeLstm.Core.Float;

/// <summary>
/// The float32 reference engine as a streaming session: normalizes a raw sample with the
/// model's statistics, steps every layer, and produces logits and softmax probabilities.
/// State and scratch are allocated once; Step and Reset allocate nothing.
/// </summary>
public sealed class FloatSession : IClassifierSession
{
    private readonly FloatNetwork _network;
    private readonly float[] _mean, _invStd;
    private readonly FloatLayerRunner[] _runners;
    private readonly float[] _input, _logits, _probabilities;

    public FloatSession(FloatNetwork network, ModelMetadata metadata)
    {
        _network = network;
        _runners = new FloatLayerRunner[network.Layers.Count];
        for (int i = 0; i < _runners.Length; i++) _runners[i] = new FloatLayerRunner(network.Layers[i], i > 0 ? _runners[i - 1] : null);
        _input = new float[network.InputSize];
        _logits = new float[network.OutputSize];
        _probabilities = new float[network.OutputSize];
        (_mean, _invStd) = Normalization.From(metadata, network.InputSize);
    }

    public int InputSize => _network.InputSize;
    public int OutputSize => _network.OutputSize;
    public ReadOnlySpan<float> Logits => _logits;
    public ReadOnlySpan<float> Probabilities => _probabilities;

    /// <summary>The normalized input of the last step (what the first layer saw).</summary>
    public ReadOnlySpan<float> NormalizedInput => _input;

    public int LayerCount => _runners.Length;
    public ReadOnlySpan<float> Hidden(int layer) => _runners[layer].Hidden;
    public ReadOnlySpan<float> Cell(int layer) => _runners[layer].Cell;

    public void Reset()
    {
        foreach (var r in _runners) r.Reset();
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
        var head = _network.Head;
        head.B.CopyTo(_logits, 0);
        FloatMath.MatVecAdd(head.W, x, _logits);
        FloatMath.Softmax(_logits, _probabilities);
    }

    public void GetProbabilities(Span<float> destination) => _probabilities.CopyTo(destination);

    public int Predicted => ArgMax.Of(_logits);
}
