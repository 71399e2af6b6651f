using EdgeLstm.Training.Network;

namespace EdgeLstm.Training.Optimization;

/// <summary>Windowed mode: minibatches of whole windows, each starting from zero state, loss at the last step.</summary>
internal sealed class WindowedBatches : IMinibatchSource
{
    private readonly IReadOnlyList<float[]> _recordings; // normalized, row-major
    private readonly int _channels;
    private readonly int[] _order;
    private readonly List<WindowRef> _windows;
    private readonly WindowAugmentation? _augmentation;
    private readonly (int Lo, int Hi)[]? _startRange; // with shifting: the starts that keep each window inside its segment
    private readonly int[] _starts;
    private float[]? _scratch;
    private readonly IReadOnlyList<int[]>? _labels; // per-sample labels: the targets of the labelled steps
    private readonly int _firstLabelled; // steps from here to the window's end carry its label (the last one always)

    public WindowedBatches(IReadOnlyList<float[]> normalizedRecordings, int channels, List<WindowRef> windows, int window, int batchSize,
        WindowAugmentation? augmentation = null, IReadOnlyList<int[]>? labels = null, int labelSteps = 1, bool labelledByLastSample = false)
    {
        _labels = labels;
        _firstLabelled = window - Math.Clamp(labelSteps, 1, window);
        _recordings = normalizedRecordings;
        _channels = channels;
        _windows = windows;
        _order = Enumerable.Range(0, windows.Count).ToArray();
        _starts = windows.Select(w => w.Start).ToArray();
        Steps = window;
        BatchSize = batchSize;
        _augmentation = augmentation;
        if (augmentation is { Shift: > 0 } && labels is not null)
            _startRange = windows.Select(w => StartRange(labels[w.Recording], w, window, labelledByLastSample)).ToArray();
    }

    /// <summary>
    /// The starts a shifted window may take: its last sample stays in the run of its label, and
    /// (inside-segment windows) its first sample too.
    /// </summary>
    private static (int, int) StartRange(int[] labels, WindowRef w, int window, bool byLastSample)
    {
        int a = w.Start + window - 1, b = a + 1;
        while (a > 0 && labels[a - 1] == w.Label) a--;
        while (b < labels.Length && labels[b] == w.Label) b++;
        return (byLastSample ? Math.Max(0, a - window + 1) : a, b - window);
    }

    public int Steps { get; }
    public int BatchSize { get; }
    public bool CarriesState => false;
    public int Count => _windows.Count;

    public int BeginEpoch(Random? random)
    {
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        if (random is not null) random.Shuffle(_order);
        if (_augmentation is not null && _startRange is not null)
            for (int i = 0; i < _starts.Length; i++) _starts[i] = _augmentation.ShiftStart(_windows[i].Start, _startRange[i].Lo, _startRange[i].Hi);
        return (_windows.Count + BatchSize - 1) / BatchSize;
    }

    public SequenceShape[] Fill(int k, IReadOnlyList<ShardWorker<float>> workers)
    {
        int first = k * BatchSize;
        int n = Math.Min(BatchSize, _windows.Count - first);
        return ShardShares.Fill(n, Steps, workers, (w, shape, b, i) => FillWindow(_order[first + i], w, shape, b));
    }

    /// <summary>Window <paramref name="index"/> (shifted and augmented where training asks) as the worker's sequence b.</summary>
    private void FillWindow(int index, ShardWorker<float> w, SequenceShape shape, int b)
    {
        var window = _windows[index];
        var samples = _recordings[window.Recording];
        int start = _starts[index];
        if (_augmentation is not null)
        {
            samples.AsSpan(start * _channels, Steps * _channels).CopyTo(_scratch ??= new float[Steps * _channels]);
            _augmentation.Apply(_scratch, Steps, _channels);
        }
        for (int t = 0; t < Steps; t++)
        {
            int at = shape.Index(t, b);
            var row = _augmentation is null ? samples.AsSpan((window.Start + t) * _channels, _channels) : _scratch.AsSpan(t * _channels, _channels);
            row.CopyTo(w.Inputs.AsSpan(at * _channels));
            w.Targets[at] = t == Steps - 1 ? window.Label : t >= _firstLabelled && _labels is not null ? _labels[window.Recording][start + t] : -1;
            w.Resets[at] = t == 0;
        }
    }
}
