namespace EdgeLstm.Daemon.Flow;

/// <summary>Sizes and full-modes of the pipeline's stages.</summary>
public sealed record PipelineOptions
{
    /// <summary>Samples per batch between sources and classifier (also the most classifications per output batch).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Batches the source → classifier queue holds.</summary>
    public int InputCapacity { get; init; } = 64;
    /// <summary>The input queue's full-mode for every source; null: each source's own default (<see cref="Sources.Source.DefaultFullMode"/>).</summary>
    public FullMode? InputFullMode { get; init; }

    /// <summary>Batches the classifier → sinks queue holds.</summary>
    public int OutputCapacity { get; init; } = 64;
    public FullMode OutputFullMode { get; init; } = FullMode.Wait;

    /// <summary>
    /// Classifier workers: sources are spread over this many input queues, each with its own
    /// worker, so streams of different sources classify in parallel (a stream stays on one worker).
    /// </summary>
    public int ClassifierWorkers { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Streams of one integer model stepped together per call (docs/batching.md): lanes per group
    /// (a further group opens when one is full); 0 steps every stream alone.
    /// </summary>
    public int BatchLanes { get; init; } = 64;

    /// <summary>
    /// How long a staged sample may wait for the batches queued behind it to be staged too; the
    /// classifier never waits for input that has not arrived.
    /// </summary>
    public TimeSpan BatchHold { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Include every label's probability in each JSON line (`scores`).</summary>
    public bool Scores { get; init; }

    /// <summary>The streams this gateway classifies (issue 17): the others are counted as <c>other_partition</c>.</summary>
    public Samples.StreamPartition Partition { get; init; } = Samples.StreamPartition.Whole;

    /// <summary>How long a stop waits for sources to end before closing the input.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(2);
}
