using EdgeLstm.Core.Integer;
using EdgeLstm.Daemon.Counters;

namespace EdgeLstm.Daemon.Processing;

/// <summary>
/// Streams of one model whose integer steps run together: one <see cref="BatchedIntegerSession"/>
/// of <see cref="Capacity"/> lanes, a lane per stream, and what is staged for the round. A lane
/// may stage several samples in a round (a frame or an MQTT message carries several of one
/// stream): its k-th goes to level k, and <see cref="RunLevel"/> steps one level's lanes in one
/// call, restarting first those whose sample starts over. Everything is sized at construction:
/// staging and running allocate nothing. Owned by one classifier worker.
/// </summary>
internal sealed class LaneGroup
{
    /// <summary>Samples one lane may stage in a round (more and the round is flushed first).</summary>
    public const int MaxLevels = 16;
    /// <summary>Windows one lane may stage in a round (each holds Window samples).</summary>
    public const int MaxWindowLevels = 2;

    private readonly int _inputs, _window;
    private readonly Stack<int> _free;
    private readonly int[] _depth;
    private readonly int[][] _lanes;
    private readonly bool[][] _restart;
    private readonly float[][] _samples;
    private readonly int[] _count = new int[MaxLevels];

    /// <param name="window">The model's window in samples (windowed models; 0 for streaming).</param>
    public LaneGroup(Core.Model.QuantizedNetwork network, int capacity, int window)
    {
        Session = new BatchedIntegerSession(network, capacity);
        Capacity = capacity;
        _inputs = network.InputSize;
        _window = window;
        _free = new Stack<int>(Enumerable.Range(0, capacity).Reverse());
        _depth = new int[capacity];
        int levels = window > 0 ? MaxWindowLevels : MaxLevels;
        int perLane = Math.Max(window, 1) * _inputs;
        _lanes = [.. Enumerable.Range(0, levels).Select(_ => new int[capacity])];
        _restart = [.. Enumerable.Range(0, levels).Select(_ => new bool[capacity])];
        _samples = [.. Enumerable.Range(0, levels).Select(_ => new float[capacity * perLane])];
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

    /// <summary>Samples (or windows) the lane has staged this round: the level its next one goes to.</summary>
    public int Depth(int lane) => _depth[lane];

    /// <summary>Whether the lane can stage one more this round.</summary>
    public bool CanStage(int lane) => _depth[lane] < _lanes.Length;

    /// <summary>Where the lane's next sample goes (InputSize values); <paramref name="restart"/>: the lane is reset before it steps.</summary>
    public Span<float> StageStep(int lane, bool restart)
    {
        int level = _depth[lane]++, slot = _count[level]++;
        _lanes[level][slot] = lane;
        _restart[level][slot] = restart;
        return _samples[level].AsSpan(slot * _inputs, _inputs);
    }

    /// <summary>Where the lane's next window goes, oldest sample first (Window × InputSize values); a window re-run starts from the zero state anyway.</summary>
    public Span<float> StageWindow(int lane)
    {
        int level = _depth[lane]++, slot = _count[level]++;
        _lanes[level][slot] = lane;
        int length = _window * _inputs;
        return _samples[level].AsSpan(slot * length, length);
    }

    /// <summary>Steps (or re-runs the windows of) the lanes staged at this level, in one call.</summary>
    public void RunLevel(int level, PipelineCounters counters)
    {
        if (level >= _lanes.Length) return;
        int n = _count[level];
        if (n == 0) return;
        var lanes = _lanes[level].AsSpan(0, n);
        Interlocked.Increment(ref counters.BatchCalls);
        Interlocked.Add(ref counters.BatchedSamples, n);
        if (_window > 0)
        {
            Session.RunWindows(lanes, _samples[level].AsSpan(0, n * _window * _inputs), _window);
            return;
        }
        var restart = _restart[level];
        for (int k = 0; k < n; k++)
            if (restart[k]) Session.Reset(lanes[k]);
        Session.Step(lanes, _samples[level].AsSpan(0, n * _inputs));
    }

    /// <summary>The round is over: nothing staged.</summary>
    public void EndRound()
    {
        for (int level = 0; level < _lanes.Length; level++)
        {
            int n = _count[level];
            for (int k = 0; k < n; k++) _depth[_lanes[level][k]] = 0;
            _count[level] = 0;
        }
    }
}
