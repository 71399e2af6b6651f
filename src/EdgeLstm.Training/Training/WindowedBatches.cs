namespace EdgeLstm.Training.Training;

/// <summary>Windowed mode: minibatches of whole windows, each starting from zero state, loss at the last step.</summary>
internal sealed class WindowedBatches : IMinibatchSource
{
    private readonly IReadOnlyList<float[]> _recordings; // normalized, row-major
    private readonly int _channels;
    private readonly int[] _order;
    private readonly List<WindowRef> _windows;

    public WindowedBatches(IReadOnlyList<float[]> normalizedRecordings, int channels, List<WindowRef> windows, int window, int batchSize)
    {
        _recordings = normalizedRecordings;
        _channels = channels;
        _windows = windows;
        _order = Enumerable.Range(0, windows.Count).ToArray();
        Steps = window;
        BatchSize = batchSize;
    }

    public int Steps { get; }
    public int BatchSize { get; }
    public bool CarriesState => false;
    public int Count => _windows.Count;

    public int BeginEpoch(Random? random)
    {
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        if (random is not null) random.Shuffle(_order);
        return (_windows.Count + BatchSize - 1) / BatchSize;
    }

    public SequenceShape[] Fill(int k, IReadOnlyList<ShardWorker<float>> workers)
    {
        int first = k * BatchSize;
        int n = Math.Min(BatchSize, _windows.Count - first);
        var shapes = new SequenceShape[workers.Count];
        for (int s = 0; s < workers.Count; s++)
        {
            int a = ShardShares.Start(n, workers.Count, s), e = ShardShares.Start(n, workers.Count, s + 1);
            var w = workers[s];
            var shape = new SequenceShape(e - a, Steps, w.Resets);
            for (int b = 0; b < shape.Batch; b++)
            {
                var window = _windows[_order[first + a + b]];
                var samples = _recordings[window.Recording];
                for (int t = 0; t < Steps; t++)
                {
                    int at = shape.Index(t, b);
                    samples.AsSpan((window.Start + t) * _channels, _channels).CopyTo(w.Inputs.AsSpan(at * _channels));
                    w.Targets[at] = t == Steps - 1 ? window.Label : -1;
                    w.Resets[at] = t == 0;
                }
            }
            shapes[s] = shape;
        }
        return shapes;
    }
}
