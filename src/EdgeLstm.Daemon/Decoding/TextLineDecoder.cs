using System.Buffers;
using System.Globalization;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Decoding;

/// <summary>
/// Text lines in the Edge Impulse data-forwarder convention: one sample per line, values
/// separated by commas, tabs or spaces. A line of identifiers is a header naming the columns
/// (`time` and `label` are recognized, the rest are channels); without one, columns are
/// positional. Lines beginning with '#' are comments. Every refused line is counted by reason.
/// </summary>
public sealed class TextLineDecoder : ISampleDecoder
{
    private const int MaxFields = 64;
    private readonly DecoderOptions _options;
    private readonly StreamHandle _stream;
    private readonly byte[] _lineCopy;
    private ColumnLayout? _layout;
    private int _timeField = -1, _labelField = -1, _fieldCount;
    private int[] _dataFields = [];
    private bool _skippingLongLine, _sawData;

    public TextLineDecoder(DecoderOptions options, StreamHandle stream)
    {
        _options = options;
        _stream = stream;
        _lineCopy = new byte[options.MaxLineLength + 1];
        if (options.PositionalColumns > 0) UsePositional(options.PositionalColumns);
    }

    /// <summary>The current column layout (after a header, or positional).</summary>
    public ColumnLayout? Layout => _layout;

    /// <summary>After an interruption a (re)started device may announce a different header.</summary>
    public void DiscardPartial() => _skippingLongLine = _sawData = false;

    public SequencePosition Decode(ReadOnlySequence<byte> input, SampleBatch batch, int maxSamples, bool isFinal, Arrival arrival)
    {
        var reader = new SequenceReader<byte>(input);
        int added = 0;
        while (added < maxSamples && !batch.IsFull)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                if (reader.Remaining > _options.MaxLineLength)
                {
                    // No terminator within the limit: refuse the line now, skip to its end later.
                    if (!_skippingLongLine) _options.Counters.Reject(RejectReason.LineTooLong);
                    _skippingLongLine = true;
                    reader.AdvanceToEnd();
                }
                else if (isFinal && reader.Remaining > 0)
                {
                    var rest = reader.UnreadSequence;
                    reader.AdvanceToEnd();
                    if (_skippingLongLine) _skippingLongLine = false;
                    else if (Line(rest, batch, arrival)) added++;
                }
                break;
            }
            if (_skippingLongLine)
            {
                _skippingLongLine = false;
                continue;
            }
            if (Line(line, batch, arrival)) added++;
        }
        return reader.Position;
    }

    private bool Line(ReadOnlySequence<byte> line, SampleBatch batch, Arrival arrival)
    {
        if (line.Length > _options.MaxLineLength)
        {
            _options.Counters.Reject(RejectReason.LineTooLong);
            return false;
        }
        ReadOnlySpan<byte> span;
        if (line.IsSingleSegment) span = line.FirstSpan;
        else
        {
            line.CopyTo(_lineCopy);
            span = _lineCopy.AsSpan(0, (int)line.Length);
        }
        return Line(span, batch, arrival);
    }

    private bool Line(ReadOnlySpan<byte> line, SampleBatch batch, Arrival arrival)
    {
        line = line.Trim(" \t\r"u8);
        if (line.IsEmpty || line[0] == (byte)'#') return false;
        foreach (byte b in line)
        {
            if (b >= 0x7F || (b < 0x20 && b != (byte)'\t'))
            {
                _options.Counters.Reject(RejectReason.BinaryOnText);
                return false;
            }
        }
        Interlocked.Increment(ref _options.Counters.LinesOrFramesDecoded);

        Span<Range> fields = stackalloc Range[MaxFields + 1];
        int count = Split(line, fields);
        if (count > MaxFields)
        {
            _options.Counters.Reject(RejectReason.TooManyColumns);
            return false;
        }
        fields = fields[..count];
        if (IsHeader(line, fields))
        {
            // Once data flowed, a different header is noise (words on the line), not a new layout.
            if (!Header(line, fields, allowChange: !_sawData)) _options.Counters.Reject(RejectReason.NotANumber);
            return false;
        }
        if (_layout is null)
        {
            // Headerless and no positional width configured: the first numeric line sets it.
            UsePositional(count);
        }
        if (count != _fieldCount)
        {
            _options.Counters.Reject(RejectReason.WrongFieldCount);
            return false;
        }

        int slot = batch.Next();
        var row = batch.Row(slot);
        for (int c = 0; c < _dataFields.Length; c++)
        {
            var field = line[fields[_dataFields[c]]].Trim(" \t"u8);
            if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float v))
            {
                _options.Counters.Reject(RejectReason.NotANumber);
                return false;
            }
            if (!float.IsFinite(v))
            {
                _options.Counters.Reject(RejectReason.NonFinite);
                return false;
            }
            row[c] = v;
        }
        double seconds = double.NaN;
        if (_timeField >= 0)
        {
            var field = line[fields[_timeField]].Trim(" \t"u8);
            if (!field.IsEmpty)
            {
                if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds))
                {
                    _options.Counters.Reject(RejectReason.NotANumber);
                    return false;
                }
                if (!double.IsFinite(seconds))
                {
                    _options.Counters.Reject(RejectReason.NonFinite);
                    return false;
                }
            }
        }
        batch.Label[slot] = _labelField >= 0 ? _layout!.Labels.Intern(line[fields[_labelField]].Trim(" \t"u8)) : -1;
        batch.Stream[slot] = _stream;
        batch.Layout[slot] = _layout!;
        batch.Sequence[slot] = -1;
        batch.RecordingSeconds[slot] = seconds;
        batch.ArrivalTicks[slot] = arrival.StopwatchTicks;
        batch.WallTicks[slot] = _options.RecordingTime
            ? (double.IsNaN(seconds) ? 0 : RecordingClock.UtcTicks(seconds))
            : arrival.UtcTicks;
        batch.Commit();
        _sawData = true;
        Interlocked.Increment(ref _options.Counters.SamplesDecoded);
        return true;
    }

    /// <summary>
    /// Fields by the line's separator: commas if any (empty fields count: an empty label),
    /// else tabs, else runs of spaces. Returns the field count (MaxFields + 1 means too many).
    /// </summary>
    private static int Split(ReadOnlySpan<byte> line, Span<Range> fields)
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

    /// <summary>A header is a line of identifiers only (letters, digits, '_', '-', '.', starting with a letter or '_').</summary>
    private static bool IsHeader(ReadOnlySpan<byte> line, ReadOnlySpan<Range> fields)
    {
        foreach (var r in fields)
        {
            var f = line[r].Trim(" \t"u8);
            if (f.IsEmpty || !(char.IsAsciiLetter((char)f[0]) || f[0] == (byte)'_')) return false;
            foreach (byte b in f)
                if (!(char.IsAsciiLetterOrDigit((char)b) || b == (byte)'_' || b == (byte)'-' || b == (byte)'.')) return false;
        }
        return true;
    }

    private bool Header(ReadOnlySpan<byte> line, ReadOnlySpan<Range> fields, bool allowChange)
    {
        var names = new List<string>(fields.Length);
        foreach (var r in fields) names.Add(System.Text.Encoding.ASCII.GetString(line[r].Trim(" \t"u8)));
        int time = names.FindIndex(n => n.Equals("time", StringComparison.OrdinalIgnoreCase));
        int label = names.FindIndex(n => n.Equals("label", StringComparison.OrdinalIgnoreCase));
        var data = Enumerable.Range(0, names.Count).Where(i => i != time && i != label).ToArray();
        var dataNames = data.Select(i => names[i]).ToList();
        // A repeated identical header (a device that reboots) keeps the layout and its label ids.
        if (_layout?.Names is { } current && current.SequenceEqual(dataNames) && time == _timeField && label == _labelField) return true;
        if (!allowChange || data.Length > SampleBatch.MaxColumns) return false;
        _layout = ColumnLayout.Named(dataNames);
        _timeField = time;
        _labelField = label;
        _fieldCount = names.Count;
        _dataFields = data;
        return true;
    }

    private void UsePositional(int columns)
    {
        columns = Math.Min(columns, SampleBatch.MaxColumns);
        _layout = ColumnLayout.Positional(columns);
        _timeField = _labelField = -1;
        _fieldCount = columns;
        _dataFields = Enumerable.Range(0, columns).ToArray();
    }
}
