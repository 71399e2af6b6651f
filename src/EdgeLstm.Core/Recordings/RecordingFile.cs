using System.Text;

namespace EdgeLstm.Core.Recordings;

/// <summary>
/// One recording file read by the rules of <see cref="RecordingLine"/> (docs/protocol.md "Text
/// lines", docs/recording.md): the reader of `train`, `eval`, `quantize`, `infer` and
/// `import-onnx --calibration`, so a file that `replay` streams is read the same way everywhere.
/// A file is stricter than a live stream: a line the daemon would refuse and count is an error
/// naming the file and line, since a recording with holes would train or score silently wrong.
/// The first line that is not blank or a comment is the header when it is a line of identifiers,
/// else the file is headerless (positional columns, as wide as that first line). A UTF-8
/// byte-order mark at the start is ignored.
/// </summary>
public sealed class RecordingFile
{
    private RecordingFile(string path, RecordingHeader? header, int firstLine, int channelCount, float[] samples, string?[] labels, double[]? times)
    {
        Path = path;
        Header = header;
        FirstLine = firstLine;
        ChannelCount = channelCount;
        Samples = samples;
        Labels = labels;
        Times = times;
    }

    public string Path { get; }

    /// <summary>The header, or null for a headerless (positional) file.</summary>
    public RecordingHeader? Header { get; }

    /// <summary>Line number of the header or of the first data line (0 for a file with neither).</summary>
    public int FirstLine { get; }

    /// <summary>Channel names in file order (empty for a headerless file).</summary>
    public IReadOnlyList<string> Channels => Header?.Channels ?? [];

    /// <summary>Channel values per sample: the header's channels, or every column of a headerless file.</summary>
    public int ChannelCount { get; }

    /// <summary>Channel values, row-major: sample t's channel j at t * ChannelCount + j.</summary>
    public float[] Samples { get; }

    /// <summary>Each sample's label, null when unlabelled (empty field, or no `label` column).</summary>
    public string?[] Labels { get; }

    /// <summary>Each sample's `time` in seconds (NaN where empty), or null without a `time` column.</summary>
    public double[]? Times { get; }

    public int Length => Labels.Length;

    public bool HasLabelColumn => Header is { LabelField: >= 0 };

    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    public static RecordingFile Read(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Parses UTF-8 text; <paramref name="path"/> names the source in error messages.</summary>
    public static RecordingFile Parse(ReadOnlySpan<byte> text, string path)
    {
        if (text.StartsWith(ByteOrderMark)) text = text[ByteOrderMark.Length..];
        RecordingHeader? header = null;
        int width = -1, firstLine = 0, lineNumber = 0;
        var samples = new List<float>();
        var labels = new List<string?>();
        var times = new List<double>();
        string? lastLabel = null;
        byte[] lastLabelText = [];
        string[] positional = [];
        Span<Range> fields = stackalloc Range[RecordingLine.MaxFields + 1];
        while (!text.IsEmpty)
        {
            int end = text.IndexOf((byte)'\n');
            var line = RecordingLine.Trim(end < 0 ? text : text[..end]);
            text = end < 0 ? [] : text[(end + 1)..];
            lineNumber++;
            if (RecordingLine.IsSkipped(line)) continue;
            var where = new Where(path, lineNumber);
            if (!RecordingLine.IsText(line)) throw new FormatException($"{where}: a control byte or a non-ASCII byte (recordings are ASCII text)");
            int count = RecordingLine.Split(line, fields);
            if (count > RecordingLine.MaxFields) throw new FormatException($"{where}: more than {RecordingLine.MaxFields} fields");
            var all = fields[..count];
            bool trailingEmpty = RecordingLine.EndsWithEmptyField(line, all);
            var named = trailingEmpty ? all[..^1] : all;
            if (width < 0)
            {
                firstLine = lineNumber;
                if (RecordingLine.IsHeader(line, named))
                {
                    header = CheckedHeader(RecordingLine.Names(line, named), where);
                    width = header.FieldCount;
                    continue;
                }
                width = named.Length;
                positional = [.. Enumerable.Range(1, width).Select(c => $"column {c}")];
            }
            else if (header is not null && RecordingLine.IsHeader(line, named) && RecordingLine.Names(line, named).SequenceEqual(header.Names))
            {
                continue; // the same header again (files concatenated): nothing new
            }
            if (trailingEmpty && count == width + 1) count--;
            if (count != width)
                throw new FormatException(header is not null
                    ? $"{where}: {count} fields, the header names {width} columns"
                    : $"{where}: {count} values, the first line had {width}");

            if (header is null)
            {
                for (int c = 0; c < width; c++) samples.Add(Value(line, fields[c], positional[c], where));
                labels.Add(null);
                continue;
            }
            for (int c = 0; c < header.ChannelFields.Count; c++)
                samples.Add(Value(line, fields[header.ChannelFields[c]], header.Channels[c], where));
            if (header.TimeField >= 0)
            {
                var field = RecordingLine.Field(line, fields[header.TimeField]);
                var status = RecordingLine.ParseTime(field, out double seconds);
                if (status != FieldValue.Number) throw new FormatException($"{where}: {Problem(RecordingLine.TimeColumn, field, status)}");
                times.Add(seconds);
            }
            string? label = null;
            if (header.LabelField >= 0)
            {
                var field = RecordingLine.Field(line, fields[header.LabelField]);
                if (!field.IsEmpty)
                {
                    if (lastLabel is null || !field.SequenceEqual(lastLabelText))
                    {
                        lastLabel = Encoding.ASCII.GetString(field);
                        lastLabelText = field.ToArray();
                    }
                    label = lastLabel;
                }
            }
            labels.Add(label);
        }
        int channels = header?.Channels.Count ?? Math.Max(width, 0);
        return new RecordingFile(path, header, firstLine, channels, [.. samples], [.. labels], header is { TimeField: >= 0 } ? [.. times] : null);
    }

    private static RecordingHeader CheckedHeader(string[] names, Where where)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
            if (!seen.Add(name)) throw new FormatException($"{where}: header names column '{name}' twice");
        var header = RecordingHeader.Of(names);
        if (header.Channels.Count == 0) throw new FormatException($"{where}: header names no channel columns");
        return header;
    }

    private static float Value(ReadOnlySpan<byte> line, Range range, string column, Where where)
    {
        var field = RecordingLine.Field(line, range);
        var status = RecordingLine.ParseValue(field, out float value);
        if (status != FieldValue.Number) throw new FormatException($"{where}: {Problem(column, field, status)}");
        return value;
    }

    private static string Problem(string column, ReadOnlySpan<byte> field, FieldValue status) =>
        $"{column} '{Encoding.ASCII.GetString(field)}' is {(status == FieldValue.NonFinite ? "not a finite number" : "not a number")}";

    /// <summary>File and line, formatted only when a message needs them.</summary>
    private readonly record struct Where(string Path, int Line)
    {
        public override string ToString() => $"{Path}:{Line}";
    }
}
