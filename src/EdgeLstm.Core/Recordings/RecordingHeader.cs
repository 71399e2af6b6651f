namespace EdgeLstm.Core.Recordings;

/// <summary>
/// The roles of a header's columns: `time` and `label` (case-insensitive, the first of each) and
/// the channels, every other column in header order. The one mapping every reader of the
/// recording format uses.
/// </summary>
public sealed class RecordingHeader
{
    private RecordingHeader(string[] names, int time, int label, int[] channelFields)
    {
        Names = names;
        TimeField = time;
        LabelField = label;
        ChannelFields = channelFields;
        Channels = Array.ConvertAll(channelFields, i => names[i]);
    }

    /// <summary>Every column's name, in line order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The field index of `time`, or -1.</summary>
    public int TimeField { get; }

    /// <summary>The field index of `label`, or -1.</summary>
    public int LabelField { get; }

    /// <summary>The field index of each channel, in header order.</summary>
    public IReadOnlyList<int> ChannelFields { get; }

    /// <summary>The channel names, in header order.</summary>
    public IReadOnlyList<string> Channels { get; }

    public int FieldCount => Names.Count;

    public static RecordingHeader Of(string[] names)
    {
        int time = RecordingLine.TimeIndex(names), label = RecordingLine.LabelIndex(names);
        var channels = new List<int>(names.Length);
        for (int i = 0; i < names.Length; i++)
            if (i != time && i != label) channels.Add(i);
        return new RecordingHeader(names, time, label, [.. channels]);
    }

    /// <summary>Channels a header of these names has (fields other than `time` and `label`).</summary>
    public static int ChannelCount(IReadOnlyList<string> names) =>
        names.Count - (RecordingLine.TimeIndex(names) >= 0 ? 1 : 0) - (RecordingLine.LabelIndex(names) >= 0 ? 1 : 0);
}
