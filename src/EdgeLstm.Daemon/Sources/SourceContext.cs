using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Decoding;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Sources;

/// <summary>What a running source gets from the pipeline: where samples go, counters, streams, logging.</summary>
public sealed class SourceContext
{
    internal SourceContext(string sourceName, FullMode fullMode, PipelineCounters counters, StreamRegistry streams, BatchPool<SampleBatch> batches,
                           BoundedStage<SampleBatch> input, Action<string> log, BoundedStage<SampleBatch>[]? shards = null)
    {
        _shards = shards ?? [input];
        FullMode = fullMode;
        Rejections = new RejectionLog(sourceName, log);
        Counters = counters;
        Streams = streams;
        Batches = batches;
        Input = input;
        Log = log;
    }

    public PipelineCounters Counters { get; }

    /// <summary>What the source's samples do when the input queue is full (the configuration's, or the source's default).</summary>
    public FullMode FullMode { get; }

    /// <summary>The source's rejection log (first of each reason, then summaries), shared by its connections.</summary>
    public RejectionLog Rejections { get; }

    // Stopwatch timestamp of the last bytes this source received (its start before any): for health.
    private long _lastData = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>How long this source has delivered nothing (since its last bytes, or since the start).</summary>
    public TimeSpan Silence => System.Diagnostics.Stopwatch.GetElapsedTime(Volatile.Read(ref _lastData));

    internal void MarkData(long timestamp) => Volatile.Write(ref _lastData, timestamp);

    // Set while the source knows it cannot deliver (its device absent); null while it can.
    private Outage? _down;

    /// <summary>
    /// The source cannot deliver (a device absent or lost): health is unhealthy with the reason until
    /// <see cref="SetUp"/>. Called again while down, the reason changes and the time stays.
    /// </summary>
    public void SetDown(string reason)
    {
        var current = Volatile.Read(ref _down);
        if (current?.Reason == reason) return;
        Volatile.Write(ref _down, new Outage(reason, current?.Since ?? System.Diagnostics.Stopwatch.GetTimestamp()));
    }

    /// <summary>The source delivers again (its device opened).</summary>
    public void SetUp() => Volatile.Write(ref _down, null);

    /// <summary>Why the source is down and for how long; null while it is up.</summary>
    public (string Reason, TimeSpan For)? Down =>
        Volatile.Read(ref _down) is { } d ? (d.Reason, System.Diagnostics.Stopwatch.GetElapsedTime(d.Since)) : null;

    private sealed record Outage(string Reason, long Since);

    public StreamRegistry Streams { get; }
    public Action<string> Log { get; }
    internal BatchPool<SampleBatch> Batches { get; }
    internal BoundedStage<SampleBatch> Input { get; }

    private readonly BoundedStage<SampleBatch>[] _shards;
    private readonly Dictionary<string, int> _shardOfStream = new(StringComparer.Ordinal);

    /// <summary>
    /// The input queue of a stream of a source that spreads its streams (<see cref="Source.SpreadsStreams"/>):
    /// streams take the classifier workers' queues in turn as they first appear, and keep theirs, so
    /// a stream's classifier is only ever touched by one worker and the workers get as many streams
    /// each (give or take one). Called from the source's one receiving task.
    /// </summary>
    internal BoundedStage<SampleBatch> InputOfStream(string stream)
    {
        if (!_shardOfStream.TryGetValue(stream, out int shard)) _shardOfStream[stream] = shard = _shardOfStream.Count % _shards.Length;
        return _shards[shard];
    }

    internal SampleBatch RentBatch()
    {
        var b = Batches.Rent();
        b.Clear();
        return b;
    }
}
