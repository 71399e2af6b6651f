using EdgeLstm.Core.Recordings;

namespace EdgeLstm.Fleet;

/// <summary>
/// A recording a node replays (read by Core's one recording reader): its channel names and values.
/// Node k starts at its own offset, so no two nodes of a fleet send the same samples at once.
/// </summary>
internal sealed class NodeRecording
{
    private NodeRecording(string path, string[] channels, float[] values, int length)
    {
        Path = path;
        Channels = channels;
        Values = values;
        Length = length;
    }

    public string Path { get; }
    public string[] Channels { get; }
    public float[] Values { get; }
    public int Length { get; }

    public ReadOnlySpan<float> Row(long t) => Values.AsSpan((int)(t % Length) * Channels.Length, Channels.Length);

    public static NodeRecording Read(string path)
    {
        var file = RecordingFile.Read(path);
        if (file.Length == 0 || file.Channels.Count == 0) throw new ArgumentException($"{path}: no samples under a header of channel names");
        return new NodeRecording(path, [.. file.Channels], file.Samples, file.Length);
    }

    /// <summary>
    /// The shipped recordings in physical units: firmware-samples/recordings/*.csv of the repository
    /// this runs from, but not the raw sensor counts (*-counts.csv), which need a channel map.
    /// </summary>
    public static IReadOnlyList<string> Shipped()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string recordings = System.IO.Path.Combine(dir.FullName, "firmware-samples", "recordings");
            if (Directory.Exists(recordings)) return [.. Directory.GetFiles(recordings, "*.csv").Where(f => !f.EndsWith("-counts.csv", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        }
        throw new ArgumentException("--recording: none given, and no firmware-samples/recordings above " + AppContext.BaseDirectory);
    }
}
