using EdgeLstm.Core;
using EdgeLstm.Core.Integer;
using EdgeLstm.Core.Model;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Processing;

/// <summary>
/// One classifier worker's batched stepping (docs/batching.md, the daemon): the lane groups of
/// each model its streams use, and the samples staged since the last <see cref="Flush"/>. A
/// stream's k-th sample in a round is at level k; the flush steps level 0 of every group (one call
/// per group), finishes level 0's samples in arrival order, then level 1, and so on, so each
/// stream's lines are exactly those of stepping it alone, in its order (lines of different streams
/// may interleave otherwise). The worker flushes before the pending classifications would outgrow
/// an output batch, before a lane would exceed its levels, and when no more input is queued or the
/// oldest staged sample has waited the configured bound. Models the batched session cannot batch
/// (Clockwork, depth-gated, MUT1, MUT3, attention heads) and the float engine keep one session per
/// stream. Allocates only when a model or a group is first needed.
/// </summary>
internal sealed class LaneRound(int lanesPerGroup, int capacity, Counters.PipelineCounters counters)
{
    private readonly Dictionary<EdgeModel, List<LaneGroup>?> _groups = [];
    private readonly Entry[][] _entries = [.. Enumerable.Range(0, LaneGroup.MaxLevels).Select(_ => new Entry[capacity])];
    private readonly int[] _levelCount = new int[LaneGroup.MaxLevels];
    private int _count, _levels;
    private long _oldest;

    private struct Entry
    {
        public StreamClassifier Classifier;
        public SampleBatch Batch;
        public int Index;
        public StreamClassifier.Work Work;
        public bool Reset;
    }

    /// <summary>Samples staged since the last flush.</summary>
    public int Pending => _count;

    /// <summary>The <see cref="System.Diagnostics.Stopwatch"/> timestamp of the oldest staged sample.</summary>
    public long OldestStaged => _oldest;

    /// <summary>Whether one more sample of this classifier can be staged without a flush.</summary>
    public bool CanStage(StreamClassifier classifier) => _count < capacity && classifier.Group!.CanStage(classifier.Lane);

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

    /// <summary>Stages sample i of the batch on its classifier's lane (call <see cref="CanStage"/> first).</summary>
    public void Stage(StreamClassifier classifier, SampleBatch batch, int i)
    {
        var work = classifier.Stage(batch, i, out bool reset, out int level);
        if (work == StreamClassifier.Work.None) return;
        if (_count == 0) _oldest = System.Diagnostics.Stopwatch.GetTimestamp();
        ref var e = ref _entries[level][_levelCount[level]++];
        e.Classifier = classifier;
        e.Batch = batch;
        e.Index = i;
        e.Work = work;
        e.Reset = reset;
        _count++;
        _levels = Math.Max(_levels, level + 1);
    }

    /// <summary>Steps level after level of every group, finishing each level's samples in arrival order into <paramref name="output"/>.</summary>
    public void Flush(ClassificationBatch output)
    {
        if (_count == 0) return;
        for (int level = 0; level < _levels; level++)
        {
            foreach (var groups in _groups.Values)
                if (groups is not null)
                    foreach (var group in groups) group.RunLevel(level, counters);
            var entries = _entries[level];
            for (int k = 0; k < _levelCount[level]; k++)
            {
                ref var e = ref entries[k];
                e.Classifier.FinishStaged(e.Batch, e.Index, output, e.Work, e.Reset);
                e = default;
            }
            _levelCount[level] = 0;
        }
        foreach (var groups in _groups.Values)
            if (groups is not null)
                foreach (var group in groups) group.EndRound();
        _count = _levels = 0;
    }
}
