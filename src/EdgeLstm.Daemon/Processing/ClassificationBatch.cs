using System.Text.Json;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Processing;

/// <summary>
/// Emitted classifications travelling from the classifier stage to the sinks: structure of arrays,
/// recycled through a pool, so emitting allocates nothing.
/// </summary>
public sealed class ClassificationBatch
{
    /// <summary>Most classes a model may have in the daemon.</summary>
    public const int MaxClasses = 64;

    public ClassificationBatch(int capacity)
    {
        Capacity = capacity;
        Stream = new StreamHandle[capacity];
        T = new long[capacity];
        WallTicks = new long[capacity];
        RelativeSeconds = new double[capacity];
        ArrivalTicks = new long[capacity];
        Label = new int[capacity];
        Score = new float[capacity];
        Scores = new float[capacity * MaxClasses];
        LabelNames = new JsonEncodedText[capacity][];
    }

    public int Capacity { get; }
    public int Count { get; private set; }
    public bool IsFull => Count == Capacity;

    public readonly StreamHandle[] Stream;
    /// <summary>Index of the sample in its stream since first sight.</summary>
    public readonly long[] T;
    /// <summary>UTC ticks of the `time` field; 0 leaves it out.</summary>
    public readonly long[] WallTicks;
    /// <summary>A recording's relative time (the `time_s` field) where it has no absolute one; NaN leaves it out.</summary>
    public readonly double[] RelativeSeconds;
    public readonly long[] ArrivalTicks;
    public readonly int[] Label;
    public readonly float[] Score;
    public readonly float[] Scores;
    /// <summary>The model's label names, pre-encoded (shared per model, not copied).</summary>
    public readonly JsonEncodedText[][] LabelNames;

    public ReadOnlySpan<float> ScoresOf(int i) => Scores.AsSpan(i * MaxClasses, LabelNames[i].Length);

    public int Add(StreamHandle stream, long t, long wallTicks, double relativeSeconds, long arrivalTicks, int label, float score, ReadOnlySpan<float> scores,
                   JsonEncodedText[] labelNames)
    {
        int i = Count++;
        Stream[i] = stream;
        T[i] = t;
        WallTicks[i] = wallTicks;
        RelativeSeconds[i] = relativeSeconds;
        ArrivalTicks[i] = arrivalTicks;
        Label[i] = label;
        Score[i] = score;
        scores.CopyTo(Scores.AsSpan(i * MaxClasses));
        LabelNames[i] = labelNames;
        return i;
    }

    public void Clear() => Count = 0;
}
