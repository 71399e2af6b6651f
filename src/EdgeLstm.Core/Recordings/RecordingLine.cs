using System.Globalization;

namespace EdgeLstm.Core.Recordings;

/// <summary>
/// The rules of one line of the recording text format (docs/protocol.md "Text lines"), in one
/// place so that the daemon's streaming decoder and every reader of recording files cannot
/// disagree: which lines are skipped, how a line splits into fields (commas, else tabs, else runs
/// of spaces; one trailing separator allowed), what a header is, which columns are `time` and
/// `label`, and how a value parses (invariant culture, NaN and infinities refused).
/// Allocation-free: spans in, ranges and numbers out.
/// </summary>
public static class RecordingLine
{
    public const string TimeColumn = "time";
    public const string LabelColumn = "label";

    /// <summary>Most fields a line may have (time, label and up to 62 channels; the daemon takes 32 data columns).</summary>
    public const int MaxFields = 64;

    /// <summary>The line without surrounding spaces, tabs and a '\r' before its '\n'.</summary>
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line) => line.Trim(" \t\r"u8);

    /// <summary>A trimmed line that carries nothing: blank, or a '#' comment.</summary>
    public static bool IsSkipped(ReadOnlySpan<byte> trimmed) => trimmed.IsEmpty || trimmed[0] == (byte)'#';

    /// <summary>Printable ASCII and tabs only: anything else is binary noise on a text stream.</summary>
    public static bool IsText(ReadOnlySpan<byte> line)
    {
        foreach (byte b in line)
            if (b >= 0x7F || (b < 0x20 && b != (byte)'\t')) return false;
        return true;
    }

    /// <summary>
    /// Fields by the line's separator: commas if any (empty fields count: an empty label),
    /// else tabs, else runs of spaces. Returns the field count; <paramref name="fields"/>.Length
    /// when there are that many or more (give it <see cref="MaxFields"/> + 1 to detect too many).
    /// </summary>
    public static int Split(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        byte separator = line.Contains((byte)',') ? (byte)',' : line.Contains((byte)'\t') ? (byte)'\t' : (byte)' ';
        int count = 0, start = 0;
        for (int i = 0; i <= line.Length; i++)
        {
            if (i < line.Length && line[i] != separator) continue;
            if (separator == (byte)' ' && i == start) { start = i + 1; continue; }
            if (count == fields.Length) return count;
            fields[count++] = new Range(start, i);
            start = i + 1;
        }
        return count;
    }

    /// <summary>A field's text without the spaces and tabs around it.</summary>
    public static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> line, Range field) => line[field].Trim(" \t"u8);

    /// <summary>
    /// The last of several fields is empty: a trailing separator ("1,2,3,"), allowed unless the
    /// layout gives that field a name (then it is an empty last label).
    /// </summary>
    public static bool EndsWithEmptyField(ReadOnlySpan<byte> line, ReadOnlySpan<Range> fields) =>
        fields.Length > 1 && Field(line, fields[^1]).IsEmpty;

    /// <summary>
    /// A line of identifiers only (letters, digits, '_', '-', '.', starting with a letter or '_'),
    /// none of them a number: "NaN" and "Infinity" are values, not names.
    /// </summary>
    public static bool IsHeader(ReadOnlySpan<byte> line, ReadOnlySpan<Range> fields)
    {
        foreach (var r in fields)
        {
            var f = Field(line, r);
            if (f.IsEmpty || !(char.IsAsciiLetter((char)f[0]) || f[0] == (byte)'_')) return false;
            foreach (byte b in f)
                if (!(char.IsAsciiLetterOrDigit((char)b) || b == (byte)'_' || b == (byte)'-' || b == (byte)'.')) return false;
            if (double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return false;
        }
        return true;
    }

    /// <summary>A channel value: a finite float in invariant culture.</summary>
    public static FieldValue ParseValue(ReadOnlySpan<byte> field, out float value)
    {
        if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return FieldValue.NotANumber;
        return float.IsFinite(value) ? FieldValue.Number : FieldValue.NonFinite;
    }

    /// <summary>A `time` value in seconds: a finite double, or NaN for an empty field (time unknown).</summary>
    public static FieldValue ParseTime(ReadOnlySpan<byte> field, out double seconds)
    {
        seconds = double.NaN;
        if (field.IsEmpty) return FieldValue.Number;
        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds)) return FieldValue.NotANumber;
        return double.IsFinite(seconds) ? FieldValue.Number : FieldValue.NonFinite;
    }

    /// <summary>The column named `time` (case-insensitive), or -1.</summary>
    public static int TimeIndex(IReadOnlyList<string> names) => IndexOf(names, TimeColumn);

    /// <summary>The column named `label` (case-insensitive), or -1.</summary>
    public static int LabelIndex(IReadOnlyList<string> names) => IndexOf(names, LabelColumn);

    /// <summary>The first column of that name, case-insensitively (the way headers are matched), or -1.</summary>
    public static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
            if (string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    /// <summary>The header's names, as ASCII text (a header is ASCII by <see cref="IsHeader"/>).</summary>
    public static string[] Names(ReadOnlySpan<byte> line, ReadOnlySpan<Range> fields)
    {
        var names = new string[fields.Length];
        for (int i = 0; i < fields.Length; i++) names[i] = System.Text.Encoding.ASCII.GetString(Field(line, fields[i]));
        return names;
    }
}
