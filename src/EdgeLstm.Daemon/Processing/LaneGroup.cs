using EdgeLstm.Core.Integer;

namespace EdgeLstm.Daemon.Processing;

/// <summary>
/// Streams of one model whose integer steps run together: one <see cref="BatchedIntegerSession"/>
/// of <see cref="Capacity"/> lanes, a lane per stream, and what is staged for its next call (the
/// samples of the lanes that step, the windows of the lanes that re-run one). <see cref="Run"/>
/// steps every staged lane in one call per kind of work and clears the stage. Everything is sized
/// at construction: staging and running allocate nothing. Owned by one classifier worker.
/// </summary>
internal sealed class LaneGroup
{
    private readonly int _inputs, _window;
    private readonly Stack<int> _free;
    private readonly int[] _stepLanes, _windowLanes;
    private readonly float[] _samples, _windows;
    private int _steps, _windowCount;

    /// <param name="window">The model's window in samples (windowed models; 0 for streaming).</param>
    public LaneGroup(Core.Model.QuantizedNetwork network, int capacity, int window)
    {
        Session = new BatchedIntegerSession(network, capacity);
        Capacity = capacity;
        _inputs = network.InputSize;
        _window = window;
        _free = new Stack<int>(Enumerable.Range(0, capacity).Reverse());
        _stepLanes = new int[capacity];
        _windowLanes = new int[capacity];
        _samples = new float[capacity * _inputs];
        _windows = new float[capacity * Math.Max(window, 1) * _inputs];
    }

    public BatchedIntegerSession Session { get; }
    public int Capacity { get; }
    public bool HasRoom => _free.Count > 0;

    /// <summary>A lane for a new stream, reset; -1 when the group is full.</summary>
    public int Rent()
    {
        if (!_free.TryPop(out int lane)) return -1;
        Session.Reset(lane);
        return lane;
    }

    /// <summary>The lane's stream is gone (its classifier replaced): the lane is free again.</summary>
    public void Return(int lane) => _free.Push(lane);

    /// <summary>Where the lane's sample for the next call goes (InputSize values).</summary>
    public Span<float> StageStep(int lane)
    {
        int slot = _steps++;
        _stepLanes[slot] = lane;
        return _samples.AsSpan(slot * _inputs, _inputs);
    }

    /// <summary>Where the lane's window for the next call goes, oldest sample first (Window × InputSize values).</summary>
    public Span<float> StageWindow(int lane)
    {
        int slot = _windowCount++;
        _windowLanes[slot] = lane;
        return _windows.AsSpan(slot * _window * _inputs, _window * _inputs);
    }

    /// <summary>Steps the staged lanes and re-runs the staged windows, each in one call; the stage is then empty.</summary>
    public void Run(Counters.PipelineCounters counters)
    {
        if (_steps + _windowCount == 0) return;
        Interlocked.Increment(ref counters.BatchCalls);
        Interlocked.Add(ref counters.BatchedSamples, _steps + _windowCount);
        if (_steps > 0) Session.Step(_stepLanes.AsSpan(0, _steps), _samples.AsSpan(0, _steps * _inputs));
        if (_windowCount > 0) Session.RunWindows(_windowLanes.AsSpan(0, _windowCount), _windows.AsSpan(0, _windowCount * _window * _inputs), _window);
        _steps = _windowCount = 0;
    }
}
