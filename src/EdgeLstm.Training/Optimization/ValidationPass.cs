using EdgeLstm.Training.Data;
using EdgeLstm.Training.Network;

namespace EdgeLstm.Training.Optimization;

/// <summary>
/// Validation inside training, with the trainer's own forward pass (which the float engine
/// reproduces): window accuracy in windowed mode; in streaming mode every recording run from its
/// start to its end with state carried, scored on every labelled step.
/// </summary>
internal sealed class ValidationPass
{
    private readonly int _recordings;

    public ValidationPass(Dataset data, float[] mean, float[] std, TrainerOptions o)
    {
        var statistics = new NormalizationStatistics(mean, std);
        var normalized = data.Recordings.Select(statistics.Normalize).ToList();
        _recordings = data.Recordings.Count;
        HasTargets = o.Mode == ClassificationMode.Streaming
            ? data.Recordings.Any(r => r.Labels.Any(y => y >= 0))
            : WindowIndex.Build(data.Recordings, o.Window, o.Hop).Count > 0;
        Streaming = o.Mode == ClassificationMode.Streaming;
        Source = Streaming
            ? new StreamingLanes(normalized, data.Recordings.Select(r => r.Labels).ToList(), data.ChannelCount, o.Chunk, o.BatchSize)
            : new WindowedBatches(normalized, data.ChannelCount, WindowIndex.Build(data.Recordings, o.Window, o.Hop), o.Window, o.BatchSize);
    }

    public IMinibatchSource Source { get; }

    /// <summary>False when nothing in the set can be scored (then training keeps the last epoch).</summary>
    public bool HasTargets { get; }
    private bool Streaming { get; }

    /// <summary>Weighted mean loss and accuracy.</summary>
    public (double Loss, double Accuracy) Run(ShardedGradient<float> sharded, float[] weights)
    {
        double loss = 0, weight = 0;
        long correct = 0, total = 0;
        void Score(SequenceShape[] shapes)
        {
            loss += sharded.Evaluate(shapes, weights);
            for (int s = 0; s < shapes.Length; s++)
            {
                var w = sharded.Workers[s];
                for (int at = 0; at < shapes[s].Batch * shapes[s].Steps; at++)
                {
                    int y = w.Targets[at];
                    if (y < 0) continue;
                    total++;
                    weight += weights[y];
                    if (w.Predictions[at] == y) correct++;
                }
            }
        }

        if (Streaming)
        {
            var lanes = (StreamingLanes)Source;
            for (int first = 0; first < _recordings; first += lanes.BatchSize)
            {
                var group = Enumerable.Range(first, Math.Min(lanes.BatchSize, _recordings - first)).ToArray();
                int chunks = lanes.BeginGroup(group);
                foreach (var w in sharded.Workers) w.ClearState();
                for (int k = 0; k < chunks; k++)
                {
                    var shapes = lanes.Fill(k, sharded.Workers);
                    Score(shapes);
                    for (int s = 0; s < shapes.Length; s++) sharded.Workers[s].CarryState(shapes[s]);
                }
            }
        }
        else
        {
            int batches = Source.BeginEpoch(null);
            for (int k = 0; k < batches; k++) Score(Source.Fill(k, sharded.Workers));
        }
        return (weight > 0 ? loss / weight : double.NaN, total > 0 ? (double)correct / total : double.NaN);
    }
}
