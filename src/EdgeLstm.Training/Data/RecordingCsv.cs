using System.Globalization;
using System.Text;
using EdgeLstm.Core.Recordings;

namespace EdgeLstm.Training.Data;

/// <summary>
/// Training's view of the recording format (DESIGN.md section 5, docs/datasets.md): files read by
/// the one reader <see cref="RecordingFile"/> (commas, tabs or spaces, as the daemon decodes
/// them), which must have a header naming the channels; optional `time` (seconds) and `label`
/// (class name; empty = unlabelled) columns. Writes recordings with commas.
/// </summary>
public static class RecordingCsv
{
    public const string TimeColumn = RecordingLine.TimeColumn;
    public const string LabelColumn = RecordingLine.LabelColumn;

    public static RecordingFile Read(string path) => RequireHeader(RecordingFile.Read(path));

    /// <summary>Parses from a reader; <paramref name="path"/> names the source in error messages.</summary>
    public static RecordingFile Read(TextReader reader, string path) =>
        RequireHeader(RecordingFile.Parse(Encoding.UTF8.GetBytes(reader.ReadToEnd()), path));

    private static RecordingFile RequireHeader(RecordingFile file)
    {
        if (file.Header is not null) return file;
        if (file.FirstLine == 0) throw new FormatException($"{file.Path}: no header row (expected channel names, optionally 'time' and 'label')");
        throw new FormatException($"{file.Path}:{file.FirstLine}: the first row must be a header naming the columns (channel names, optionally 'time' and 'label'), found numbers");
    }

    /// <summary>
    /// Writes a recording in the format: `time` (when a sample rate is given; seconds with two
    /// decimals at 50 Hz, else shortest round-trip), the channels (shortest round-trip floats),
    /// and `label` (class name, empty when unlabelled). Lines end with '\n'.
    /// </summary>
    public static void Write(TextWriter writer, Recording recording, IReadOnlyList<string> channels, IReadOnlyList<string> classNames, float sampleRateHz)
    {
        var values = new string[recording.Length * recording.ChannelCount];
        for (int i = 0; i < values.Length; i++) values[i] = recording.Samples[i].ToString("R", CultureInfo.InvariantCulture);
        WriteText(writer, channels, recording.ChannelCount, values, recording.Labels.Select(l => l == Recording.Unlabelled ? "" : classNames[l]).ToArray(), sampleRateHz);
    }

    /// <summary>
    /// Writes already formatted values (row-major text, e.g. copied verbatim from a source's text
    /// files so that nothing is lost or re-rounded) with `time` derived from the sample index.
    /// </summary>
    public static void WriteText(TextWriter writer, IReadOnlyList<string> channels, int channelCount, IReadOnlyList<string> values, IReadOnlyList<string> labels, float sampleRateHz)
    {
        var line = new StringBuilder();
        bool timed = sampleRateHz > 0;
        if (timed) line.Append(TimeColumn).Append(',');
        line.AppendJoin(',', channels).Append(',').Append(LabelColumn).Append('\n');
        writer.Write(line);
        for (int t = 0; t < labels.Count; t++)
        {
            line.Clear();
            if (timed) line.Append(FormatTime(t, sampleRateHz)).Append(',');
            for (int c = 0; c < channelCount; c++) line.Append(values[t * channelCount + c]).Append(',');
            line.Append(labels[t]).Append('\n');
            writer.Write(line);
        }
    }

    /// <summary>
    /// Sample index to seconds. Integer rates that divide 100 (50 Hz, 100 Hz, 25 Hz...) give exact
    /// two-decimal text computed in integers (no binary rounding); other rates round-trip doubles.
    /// </summary>
    public static string FormatTime(long index, float sampleRateHz)
    {
        if (sampleRateHz == MathF.Round(sampleRateHz) && sampleRateHz <= 100 && 100 % (int)sampleRateHz == 0)
        {
            long centis = index * (100 / (int)sampleRateHz);
            return string.Create(CultureInfo.InvariantCulture, $"{centis / 100}.{centis % 100:D2}");
        }
        return (index / (double)sampleRateHz).ToString("R", CultureInfo.InvariantCulture);
    }
}
