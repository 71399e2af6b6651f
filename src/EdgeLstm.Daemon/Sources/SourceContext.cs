using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Hosting;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Sources;

/// <summary>What a running source gets from the pipeline: where samples go, counters, streams, logging.</summary>
public sealed class SourceContext
{
    internal SourceContext(PipelineCounters counters, StreamRegistry streams, BatchPool<SampleBatch> batches, BoundedStage<SampleBatch> input, Action<string> log)
    {
        Counters = counters;
        Streams = streams;
        Batches = batches;
        Input = input;
        Log = log;
    }

    public PipelineCounters Counters { get; }
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
