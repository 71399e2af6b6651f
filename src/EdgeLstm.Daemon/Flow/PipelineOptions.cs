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

    /// <summary>Include every label's probability in each JSON line (`scores`).</summary>
    public bool Scores { get; init; }

    /// <summary>The streams this gateway classifies (issue 17): the others are counted as <c>other_partition</c>.</summary>
    public Samples.StreamPartition Partition { get; init; } = Samples.StreamPartition.Whole;

    /// <summary>How long a stop waits for sources to end before closing the input.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(2);
}
