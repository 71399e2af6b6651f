using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Decoding;
using EdgeLstm.Daemon.Hosting;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Sources;

/// <summary>What a running source gets from the pipeline: where samples go, counters, streams, logging.</summary>
public sealed class SourceContext
{
    internal SourceContext(string sourceName, FullMode fullMode, PipelineCounters counters, StreamRegistry streams, BatchPool<SampleBatch> batches,
                           BoundedStage<SampleBatch> input, Action<string> log)
    {
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

    public StreamRegistry Streams { get; }
    public Action<string> Log { get; }
    internal BatchPool<SampleBatch> Batches { get; }
    internal BoundedStage<SampleBatch> Input { get; }

    internal SampleBatch RentBatch()
    {
        var b = Batches.Rent();
        b.Clear();
        return b;
    }
}
