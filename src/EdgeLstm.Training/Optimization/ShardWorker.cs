using EdgeLstm.Training.Network;

namespace EdgeLstm.Training.Optimization;

/// <summary>
/// One fixed share of every minibatch: its own input buffers, tapes (one per layer and one for the
/// head), carried state and gradient set, so shards never share mutable memory and can run on any
/// thread in any order. The network they share is only read while they run.
/// </summary>
internal sealed class ShardWorker<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly TrainableNetwork<T> _network;
    private readonly LayerTape<T>[] _tapes;
    private readonly T[][][] _layerGrads;
    private readonly T[][] _headGrads;

    public ShardWorker(TrainableNetwork<T> network, int batch, int steps)
    {
        _network = network;
        Capacity = (batch, steps);
        _tapes = new LayerTape<T>[network.Layers.Count];
        for (int i = 0; i < _tapes.Length; i++) _tapes[i] = network.Layers[i].CreateTape(batch, steps, i > 0 ? _tapes[i - 1] : null);
        HeadTape = network.Head.CreateTape(batch, steps);
        Gradients = new GradientSet<T>(network.Parameters);
        var offsets = network.ParameterOffsets;
        _layerGrads = Enumerable.Range(0, network.Layers.Count).Select(i => Gradients.Slice(offsets[i], offsets[i + 1] - offsets[i])).ToArray();
        _headGrads = Gradients.Slice(offsets[^1], network.Head.Parameters.Count);
        Inputs = new T[batch * steps * network.InputSize];
        Targets = new int[batch * steps];
        Resets = new bool[batch * steps];
        Predictions = new int[batch * steps];
    }

    public (int Batch, int Steps) Capacity { get; }

    /// <summary>Time-major normalized inputs [steps, batch, inputs], filled by the batch builder.</summary>
    public T[] Inputs { get; }

    /// <summary>Class per (t, b), or -1 where the step carries no loss.</summary>
    public int[] Targets { get; }

    public bool[] Resets { get; }
    public int[] Predictions { get; }
    public GradientSet<T> Gradients { get; }

    /// <summary>What the head recorded in this shard's last forward pass (its scores, for a pooling head).</summary>
    public HeadTape<T> HeadTape { get; }

    /// <summary>Forward, loss, backward through time: leaves this shard's gradient sum in <see cref="Gradients"/>.</summary>
    public (double Loss, int Correct) Compute(SequenceShape shape, ReadOnlySpan<T> classWeights, T lossScale)
    {
        Gradients.Clear();
        Forward(shape);
        var top = _tapes[^1];
        var (loss, correct) = _network.Head.ForwardBackward(HeadTape, top.Output, top.OutputGrad, shape, Targets, classWeights, lossScale, _headGrads);
        for (int i = _tapes.Length - 1; i >= 0; i--)
        {
            var layer = _network.Layers[i];
            Span<T> inputGrad = [];
            if (i > 0)
            {
                inputGrad = _tapes[i - 1].OutputGrad.AsSpan(0, shape.Batch * shape.Steps * layer.InputSize);
                inputGrad.Clear();
            }
            layer.Backward(_tapes[i], LayerInput(i, shape), inputGrad, shape, _layerGrads[i]);
        }
        return (loss, correct);
    }

    /// <summary>Forward only; fills <see cref="Predictions"/> where targets are set and returns the weighted loss sum.</summary>
    public double Evaluate(SequenceShape shape, ReadOnlySpan<T> classWeights)
    {
        Forward(shape);
        return _network.Head.Predict(HeadTape, _tapes[^1].Output, shape, Targets, classWeights, Predictions);
    }

    /// <summary>Hidden output of the last layer (for tests comparing with the float engine).</summary>
    public ReadOnlySpan<T> TopOutput => _tapes[^1].Output;

    public void CarryState(SequenceShape shape)
    {
        foreach (var t in _tapes) t.CarryState(shape);
    }

    public void ClearState()
    {
        foreach (var t in _tapes) t.ClearState();
    }

    private void Forward(SequenceShape shape)
    {
        if (shape.Batch > Capacity.Batch || shape.Steps > Capacity.Steps)
            throw new ArgumentOutOfRangeException(nameof(shape), "chunk larger than the shard's buffers");
        for (int i = 0; i < _tapes.Length; i++) _network.Layers[i].Forward(_tapes[i], LayerInput(i, shape), shape);
    }

    private ReadOnlySpan<T> LayerInput(int i, SequenceShape shape) =>
        i == 0 ? Inputs.AsSpan(0, shape.Batch * shape.Steps * _network.InputSize) : _tapes[i - 1].Output;
}
