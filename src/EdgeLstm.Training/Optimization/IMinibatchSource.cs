using EdgeLstm.Training.Network;

namespace EdgeLstm.Training.Optimization;

/// <summary>
/// Where minibatches come from (windows, or chunks of streaming lanes). It fills the shard
/// workers' buffers directly: shard s always gets the same fixed share of a minibatch.
/// </summary>
internal interface IMinibatchSource
{
    /// <summary>Steps per chunk (the window, or the truncated-BPTT length).</summary>
    int Steps { get; }

    /// <summary>Sequences per minibatch across all shards.</summary>
    int BatchSize { get; }

    /// <summary>Streaming sources carry state from one minibatch to the next within an epoch.</summary>
    bool CarriesState { get; }

    /// <summary>Prepares an epoch (shuffling with the given generator) and returns its number of minibatches.</summary>
    int BeginEpoch(Random? random);

    /// <summary>Fills the workers with minibatch k of the epoch and returns each shard's shape.</summary>
    SequenceShape[] Fill(int k, IReadOnlyList<ShardWorker<float>> workers);
}
