using System.Globalization;
using System.Text;

namespace EdgeLstm.Training.Data;

/// <summary>
/// One file of the recording format (DESIGN.md section 5, docs/datasets.md): UTF-8 CSV, comma
/// separated, a header row naming the columns, one sample per row. A column named `time`
/// (seconds) and a column named `label` (class name; empty = unlabelled) are optional; every
/// other column is a channel, in header order. Lines that are empty or start with '#' are skipped.
/// </summary>
public static class RecordingCsv
{
    public const string TimeColumn = "time";
    public const string LabelColumn = "label";

    /// <summary>A parsed file: channel names, samples, per-sample label names (null = unlabelled), optional times.</summary>
    public sealed record Contents(string Path, IReadOnlyList<string> Channels, float[] Samples, string?[] Labels, double[]? Times)
    {
        public int Length => Labels.Length;
    }

    public static Contents Read(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        return Read(reader, path);
    }

    /// <summary>Parses from a reader; <paramref name="path"/> names the source in error messages.</summary>
    public static Contents Read(TextReader reader, string path)
    {
        string[]? header = null;
        int timeColumn = -1, labelColumn = -1;
        int[] channelColumns = [];
        var samples = new List<float>();
        var labels = new List<string?>();
        var times = new List<double>();
        int lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0 || line[0] == '#' || line.AsSpan().Trim().IsEmpty) continue;
            var fields = line.Split(',');
            if (header is null)
            {
                header = fields.Select(f => f.Trim()).ToArray();
                (timeColumn, labelColumn, channelColumns) = MapHeader(header, path, lineNumber);
                continue;
            }
            if (fields.Length != header.Length)
                throw new FormatException($"{path}:{lineNumber}: {fields.Length} fields, the header names {header.Length} columns");
            foreach (int c in channelColumns) samples.Add(ParseFloat(fields[c], path, lineNumber, header[c]));
            if (timeColumn >= 0)
            {
                if (!double.TryParse(fields[timeColumn], NumberStyles.Float, CultureInfo.InvariantCulture, out double t) || !double.IsFinite(t))
                    throw new FormatException($"{path}:{lineNumber}: time '{fields[timeColumn].Trim()}' is not a number");
                times.Add(t);
            }
            string? label = labelColumn >= 0 ? fields[labelColumn].Trim() : null;
            labels.Add(string.IsNullOrEmpty(label) ? null : label);
        }
        if (header is null) throw new FormatException($"{path}: no header row (expected channel names, optionally 'time' and 'label')");
        return new Contents(path, channelColumns.Select(c => header[c]).ToArray(), samples.ToArray(), labels.ToArray(),
            timeColumn >= 0 ? times.ToArray() : null);
    }

    private static (int Time, int Label, int[] Channels) MapHeader(string[] header, string path, int lineNumber)
    {
        int time = -1, label = -1;
        var channels = new List<int>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int c = 0; c < header.Length; c++)
        {
            string name = header[c];
            if (name.Length == 0) throw new FormatException($"{path}:{lineNumber}: header column {c + 1} has no name");
            if (!seen.Add(name)) throw new FormatException($"{path}:{lineNumber}: header names column '{name}' twice");
            if (double.TryParse(name, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                throw new FormatException($"{path}:{lineNumber}: the first row must be a header naming the columns, found the number '{name}'");
            if (name.Equals(TimeColumn, StringComparison.OrdinalIgnoreCase)) time = c;
            else if (name.Equals(LabelColumn, StringComparison.OrdinalIgnoreCase)) label = c;
            else channels.Add(c);
        }
        if (channels.Count == 0) throw new FormatException($"{path}:{lineNumber}: header names no channel columns");
        return (time, label, channels.ToArray());
    }

    private static float ParseFloat(string field, string path, int lineNumber, string column)
    {
        if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
            throw new FormatException($"{path}:{lineNumber}: {column} '{field.Trim()}' is not a finite number");
        return v;
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
