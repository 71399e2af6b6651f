using EdgeLstm.Training.Network;

namespace EdgeLstm.Training.Optimization;

/// <summary>Splits n sequences into fixed contiguous shares: shard s gets [Start(s), Start(s + 1)).</summary>
internal static class ShardShares
{
    public static int Start(int n, int shards, int s) => (int)((long)n * s / shards);

    /// <summary>
    /// Fills a minibatch of n sequences of the given steps into the workers' buffers, each worker its
    /// share: fill(worker, shape, b, i) writes sequence i of the minibatch as the worker's sequence b.
    /// Returns each shard's shape (its resets are the worker's).
    /// </summary>
    public static SequenceShape[] Fill(int n, int steps, IReadOnlyList<ShardWorker<float>> workers, Action<ShardWorker<float>, SequenceShape, int, int> fill)
    {
        var shapes = new SequenceShape[workers.Count];
        for (int s = 0; s < workers.Count; s++)
        {
            int a = Start(n, workers.Count, s), e = Start(n, workers.Count, s + 1);
            var w = workers[s];
            var shape = new SequenceShape(e - a, steps, w.Resets);
            for (int b = 0; b < shape.Batch; b++) fill(w, shape, b, a + b);
            shapes[s] = shape;
        }
        return shapes;
    }
}
