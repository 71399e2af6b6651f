using EdgeLstm.Training.Network;

namespace EdgeLstm.Training.Optimization;

/// <summary>
/// The determinism rule in one place: a minibatch is split into a FIXED number of shards (not
/// the number of cores), each shard computes its gradient on its own buffers on whatever thread
/// runs it, and the shard gradients are summed in shard order. Scheduling cannot change a bit.
/// </summary>
internal sealed class ShardedGradient<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public ShardedGradient(TrainableNetwork<T> network, int shards, int batchPerShard, int steps)
    {
        Workers = Enumerable.Range(0, shards).Select(_ => new ShardWorker<T>(network, batchPerShard, steps)).ToArray();
        Total = new GradientSet<T>(network.Parameters);
    }

    public IReadOnlyList<ShardWorker<T>> Workers { get; }
    public GradientSet<T> Total { get; }

    /// <summary>
    /// Runs every shard whose shape has Batch &gt; 0 and leaves the summed gradient in <see cref="Total"/>.
    /// lossScale is 1 / the minibatch's total class weight, so Total is the weighted-mean gradient.
    /// </summary>
    public (double Loss, int Correct) Compute(SequenceShape[] shapes, T[] classWeights, T lossScale)
    {
        var results = new (double Loss, int Correct)[Workers.Count];
        Parallel.For(0, Workers.Count, s =>
        {
            if (shapes[s].Batch > 0) results[s] = Workers[s].Compute(shapes[s], classWeights, lossScale);
            else Workers[s].Gradients.Clear();
        });
        Total.CopyFrom(Workers[0].Gradients);
        for (int s = 1; s < Workers.Count; s++) Total.Add(Workers[s].Gradients);
        double loss = 0;
        int correct = 0;
        foreach (var r in results)
        {
            loss += r.Loss;
            correct += r.Correct;
        }
        return (loss, correct);
    }

    /// <summary>Forward only on every shard; returns the summed weighted loss.</summary>
    public double Evaluate(SequenceShape[] shapes, T[] classWeights)
    {
        var losses = new double[Workers.Count];
        Parallel.For(0, Workers.Count, s =>
        {
            if (shapes[s].Batch > 0) losses[s] = Workers[s].Evaluate(shapes[s], classWeights);
        });
        return losses.Sum();
    }
}
