using EdgeLstm.Training.Network;

namespace EdgeLstm.Training.Optimization;

/// <summary>
/// Streaming mode: recordings are laid end to end on parallel lanes (one lane per minibatch
/// sequence) and cut into chunks of truncated BPTT. State is carried from chunk to chunk and
/// reset where a recording starts; every labelled step carries loss, unlabelled steps and the
/// padding at the lanes' ends are masked. Each epoch shuffles which recording goes on which lane
/// and rotates every lane by a random amount (the lane then starts mid-recording, from zero
/// state), so lanes are in different phases of their recordings: datasets recorded with a fixed
/// protocol (HAPT: every subject performs the activities in the same order) would otherwise
/// give minibatches of one class at a time, and training would chase the current class.
/// </summary>
internal sealed class StreamingLanes : IMinibatchSource
{
    private readonly IReadOnlyList<float[]> _recordings;
    private readonly IReadOnlyList<int[]> _labels;
    private readonly int _channels;
    private (int Recording, int Index)[][] _lanes = [];
    private int[] _wrap = [];

    public StreamingLanes(IReadOnlyList<float[]> normalizedRecordings, IReadOnlyList<int[]> labels, int channels, int chunk, int lanes)
    {
        (_recordings, _labels, _channels) = (normalizedRecordings, labels, channels);
        (Steps, BatchSize) = (chunk, lanes);
    }

    public int Steps { get; }
    public int BatchSize { get; }
    public bool CarriesState => true;

    /// <summary>Without a generator (evaluation): recordings in order, at most one per lane, no offset.</summary>
    public int BeginEpoch(Random? random)
    {
        var order = Enumerable.Range(0, _recordings.Count).ToArray();
        int lanes = random is null ? Math.Min(BatchSize, _recordings.Count) : BatchSize;
        var lists = Enumerable.Range(0, lanes).Select(_ => new List<(int, int)>()).ToArray();
        random?.Shuffle(order);
        foreach (int r in order)
        {
            var lane = lists.MinBy(l => l.Count)!; // first of the shortest: deterministic
            for (int t = 0; t < _labels[r].Length; t++) lane.Add((r, t));
        }
        _lanes = new (int, int)[lanes][];
        _wrap = new int[lanes];
        for (int l = 0; l < lanes; l++)
        {
            var lane = lists[l];
            int rotation = random is null || lane.Count == 0 ? 0 : random.Next(lane.Count);
            _lanes[l] = [.. lane.Skip(rotation), .. lane.Take(rotation)];
            _wrap[l] = lane.Count - rotation; // where the lane's original start lands: a fresh start
        }
        int longest = _lanes.Max(l => l.Length);
        return (longest + Steps - 1) / Steps;
    }

    /// <summary>Evaluation: a group of recordings, one per lane (call repeatedly for more recordings than lanes).</summary>
    public int BeginGroup(IReadOnlyList<int> recordings)
    {
        _lanes = recordings.Select(r => Enumerable.Range(0, _labels[r].Length).Select(t => (r, t)).ToArray()).ToArray();
        _wrap = new int[_lanes.Length];
        return (_lanes.Max(l => l.Length) + Steps - 1) / Steps;
    }

    public SequenceShape[] Fill(int k, IReadOnlyList<ShardWorker<float>> workers) =>
        ShardShares.Fill(_lanes.Length, Steps, workers, (w, shape, b, lane) => FillLane(k, w, shape, b, lane));

    /// <summary>Chunk k of lane <paramref name="l"/> as the worker's sequence b (padding past the lane's end).</summary>
    private void FillLane(int k, ShardWorker<float> w, SequenceShape shape, int b, int l)
    {
        var lane = _lanes[l];
        for (int t = 0; t < Steps; t++)
        {
            int p = k * Steps + t;
            int at = shape.Index(t, b);
            var inputs = w.Inputs.AsSpan(at * _channels, _channels);
            var (r, i) = p < lane.Length ? lane[p] : (-1, 0);
            if (r < 0)
            {
                inputs.Clear();
                w.Targets[at] = -1;
                w.Resets[at] = true; // padding never feeds state into a recording
            }
            else
            {
                _recordings[r].AsSpan(i * _channels, _channels).CopyTo(inputs);
                w.Targets[at] = _labels[r][i];
                w.Resets[at] = i == 0 || p == 0 || p == _wrap[l];
            }
        }
    }
}
