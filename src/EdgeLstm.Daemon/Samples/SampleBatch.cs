namespace EdgeLstm.Daemon.Samples;

/// <summary>
/// A block of decoded samples travelling from a source to the classifier stage: structure of
/// arrays, allocated once and recycled through <see cref="BatchPool{T}"/>, so decoding allocates
/// nothing per sample. Values are the source's raw columns; the classifier stage maps them.
/// </summary>
public sealed class SampleBatch
{
    /// <summary>Most data columns a sample may have (text fields beyond time and label, frame channels).</summary>
    public const int MaxColumns = 32;

    public SampleBatch(int capacity)
    {
        Capacity = capacity;
        Values = new float[capacity * MaxColumns];
        Stream = new StreamHandle[capacity];
        Layout = new ColumnLayout[capacity];
        Sequence = new long[capacity];
        RecordingSeconds = new double[capacity];
        WallTicks = new long[capacity];
        ArrivalTicks = new long[capacity];
        Label = new int[capacity];
    }

    public int Capacity { get; }
    public int Count { get; private set; }
    public bool IsFull => Count == Capacity;

    public readonly float[] Values;
    public readonly StreamHandle[] Stream;
    public readonly ColumnLayout[] Layout;

    /// <summary>Sequence number from the frame, or -1 when the source has none.</summary>
    public readonly long[] Sequence;

    /// <summary>The recording's `time` column or the frame timestamp, in seconds; NaN when absent.</summary>
    public readonly double[] RecordingSeconds;

    /// <summary>UTC DateTime ticks of the JSON `time` field; 0 leaves `time` out.</summary>
    public readonly long[] WallTicks;

    /// <summary>Stopwatch timestamp of arrival (latency, timeouts).</summary>
    public readonly long[] ArrivalTicks;

    /// <summary>Id of the recording's label in the layout's label table; -1 for none.</summary>
    public readonly int[] Label;

    public Span<float> Row(int i) => Values.AsSpan(i * MaxColumns, MaxColumns);

    /// <summary>Claims the next slot; the decoder fills its row and fields, then calls <see cref="Commit"/>.</summary>
    public int Next() => Count;

    public void Commit() => Count++;

    public void Clear() => Count = 0;
}
