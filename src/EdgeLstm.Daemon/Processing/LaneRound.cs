using EdgeLstm.Core;
using EdgeLstm.Core.Integer;
using EdgeLstm.Core.Model;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Processing;

/// <summary>
/// One classifier worker's batched stepping (docs/batching.md, the daemon): the lane groups of
/// each model its streams use, and the samples staged since the last <see cref="Flush"/>, in
/// arrival order. A stream steps at most once per round: the worker flushes before a stream's
/// second sample, before the pending classifications would outgrow an output batch, and when no
/// more input is queued or the oldest staged sample has waited the configured bound. Flushing runs
/// every group's staged lanes in one call each, then finishes the staged samples in their order, so
/// the output is the same, line for line, as stepping each stream alone. Models the batched session
/// cannot batch (Clockwork, depth-gated, MUT layers, attention heads) and the float engine keep one
/// session per stream. Allocates only when a new model or a group is first needed.
/// </summary>
internal sealed class LaneRound(int lanesPerGroup, int capacity, Counters.PipelineCounters counters)
{
    private readonly Dictionary<EdgeModel, List<LaneGroup>?> _groups = [];
    private readonly StreamClassifier[] _classifiers = new StreamClassifier[capacity];
    private readonly SampleBatch[] _batches = new SampleBatch[capacity];
    private readonly int[] _index = new int[capacity];
    private int _count;
    private long _oldest;

    /// <summary>Samples staged since the last flush.</summary>
    public int Pending => _count;

    /// <summary>The <see cref="System.Diagnostics.Stopwatch"/> timestamp of the oldest staged sample.</summary>
    public long OldestStaged => _oldest;

    /// <summary>A lane in a group of the plan's model for a new stream; false when the stream steps alone (float engine, a kind without a batched step).</summary>
    public bool TryJoin(StreamPlan plan, out LaneGroup group, out int lane)
    {
        group = null!;
        lane = -1;
        if (plan.Engine != EngineKind.Integer || plan.Model.Integer is not { } network) return false;
        if (!_groups.TryGetValue(plan.Model, out var groups))
            _groups[plan.Model] = groups = new BatchedIntegerSession(network, 1).IsBatched ? [] : null;
        if (groups is null) return false;
        foreach (var g in groups)
            if (g.HasRoom)
            {
                group = g;
                break;
            }
        if (group is null)
        {
            group = new LaneGroup(network, lanesPerGroup, WindowSchedule.Of(plan.Model.Metadata)?.Window ?? 0);
            groups.Add(group);
        }
        lane = group.Rent();
        return true;
    }

    /// <summary>Sample i of the batch is staged in its classifier's group: finished at the flush.</summary>
    public void Add(StreamClassifier classifier, SampleBatch batch, int i)
    {
        if (_count == 0) _oldest = System.Diagnostics.Stopwatch.GetTimestamp();
        _classifiers[_count] = classifier;
        _batches[_count] = batch;
        _index[_count++] = i;
    }

    /// <summary>Whether one more sample can be staged without the round outgrowing its capacity.</summary>
    public bool HasRoom => _count < capacity;

    /// <summary>Steps every group's staged lanes, then finishes the staged samples in arrival order into <paramref name="output"/>.</summary>
    public void Flush(ClassificationBatch output)
    {
        if (_count == 0) return;
        foreach (var groups in _groups.Values)
            if (groups is not null)
                foreach (var group in groups) group.Run(counters);
        for (int k = 0; k < _count; k++)
        {
            _classifiers[k].FinishStaged(_batches[k], _index[k], output);
            _classifiers[k] = null!;
            _batches[k] = null!;
        }
        _count = 0;
    }
}
