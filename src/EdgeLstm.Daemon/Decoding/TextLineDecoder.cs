using System.Buffers;
using EdgeLstm.Core.Recordings;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Decoding;

/// <summary>
/// Text lines in the Edge Impulse data-forwarder convention: one sample per line, values
/// separated by commas, tabs or spaces (one trailing separator allowed). Lines beginning with '#'
/// are comments. A line of words is a header naming the columns (`time` and `label` are
/// recognized, the rest are channels) only when it is recognizably one: it names every column the
/// model expects, or the data line after it has its width and numbers in it (a label column aside); anything else (a sketch's boot banner,
/// a greeting) is rejected as <c>not_a_header</c> and the stream keeps its layout. Without a
/// header, columns are positional. The line rules (skipping, splitting, header words, time and
/// label columns, number parsing) are <see cref="RecordingLine"/>'s, shared with the file readers.
/// Accounting: every consumed byte goes to exactly one of <c>bytes_decoded</c> (samples, headers,
/// comments, blank lines), <c>bytes_rejected</c> (records refused, each counted once by reason) and
/// <c>bytes_other_partition</c> (data lines of a stream another gateway classifies);
/// a header candidate's bytes are booked when it is decided.
/// </summary>
public sealed class TextLineDecoder : ISampleDecoder
{
    private const int MaxFields = RecordingLine.MaxFields;
    private readonly DecoderOptions _options;
    private readonly PipelineCounters _counters;
    private readonly StreamHandle _stream;
    private readonly byte[] _lineCopy;
    private ColumnLayout? _layout;
    private int _timeField = -1, _labelField = -1, _fieldCount;
    private int[] _dataFields = [];
    private bool _skippingLongLine, _sawData;

    // A line of words waiting for the next data line to confirm it as a header by its width.
    private string[]? _candidate;
    private byte[] _candidateText = [];
    private long _candidateBytes;

    public TextLineDecoder(DecoderOptions options, StreamHandle stream)
    {
        _options = options;
        _counters = options.Counters;
        _stream = stream;
        _lineCopy = new byte[options.MaxLineLength + 1];
        if (options.PositionalColumns > 0) UsePositional(options.PositionalColumns);
    }

    /// <summary>The current column layout (after a header, or positional).</summary>
    public ColumnLayout? Layout => _layout;

    /// <summary>
    /// The byte stream was interrupted (reopen, reconnect, the end of a datagram or input): a header
    /// candidate nothing confirmed is rejected, and a (re)started device may announce a new header.
    /// </summary>
    public void DiscardPartial()
    {
        RefuseCandidate();
        _skippingLongLine = _sawData = false;
        _options.Rejections?.Flush();
    }

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
                    var rest = reader.UnreadSequence;
                    if (_skippingLongLine) _counters.RejectedMore(rest.Length);
                    else Refuse(RejectReason.LineTooLong, rest, rest.Length);
                    _skippingLongLine = true;
                    reader.AdvanceToEnd();
                }
                else if (isFinal && reader.Remaining > 0)
                {
                    var rest = reader.UnreadSequence;
                    reader.AdvanceToEnd();
                    if (_skippingLongLine)
                    {
                        _skippingLongLine = false;
                        _counters.RejectedMore(rest.Length);
                    }
                    else if (Line(rest, rest.Length, batch, arrival)) added++;
                }
                if (isFinal) RefuseCandidate();
                break;
            }
            long bytes = line.Length + 1;
            if (_skippingLongLine)
            {
                _skippingLongLine = false;
                _counters.RejectedMore(bytes);
                continue;
            }
            if (Line(line, bytes, batch, arrival)) added++;
        }
        return reader.Position;
    }

    private bool Line(ReadOnlySequence<byte> line, long bytes, SampleBatch batch, Arrival arrival)
    {
        if (line.Length > _options.MaxLineLength)
        {
            Refuse(RejectReason.LineTooLong, line, bytes);
            return false;
        }
        ReadOnlySpan<byte> span;
        if (line.IsSingleSegment) span = line.FirstSpan;
        else
        {
            line.CopyTo(_lineCopy);
            span = _lineCopy.AsSpan(0, (int)line.Length);
        }
        return Line(span, bytes, batch, arrival);
    }

    private bool Line(ReadOnlySpan<byte> line, long bytes, SampleBatch batch, Arrival arrival)
    {
        line = RecordingLine.Trim(line);
        if (RecordingLine.IsSkipped(line))
        {
            _counters.Understood(bytes);
            return false;
        }
        if (!RecordingLine.IsText(line))
        {
            Refuse(RejectReason.BinaryOnText, line, bytes);
            return false;
        }

        Span<Range> fields = stackalloc Range[MaxFields + 1];
        int count = RecordingLine.Split(line, fields);
        if (count > MaxFields)
        {
            Refuse(RejectReason.TooManyColumns, line, bytes);
            return false;
        }
        // One trailing separator ("1,2,3,") is allowed unless the layout has that empty field (an empty last label).
        fields = fields[..count];
        bool trailingEmpty = RecordingLine.EndsWithEmptyField(line, fields);
        if (RecordingLine.IsHeader(line, trailingEmpty ? fields[..^1] : fields))
        {
            Words(line, trailingEmpty ? fields[..^1] : fields, bytes);
            return false;
        }
        if (_candidate is not null)
            ConfirmOrRefuseCandidate((count == _candidate.Length || trailingEmpty && count - 1 == _candidate.Length) && Numeric(line, fields, _candidate)
                                     && RecordingHeader.ChannelCount(_candidate) >= _options.PositionalColumns);
        if (_layout is null) UsePositional(trailingEmpty ? count - 1 : count); // headerless, no width configured: the first data line sets it
        if (trailingEmpty && count == _fieldCount + 1) count--;
        if (count != _fieldCount)
        {
            Refuse(RejectReason.WrongFieldCount, line, bytes, count);
            return false;
        }
        if (!_stream.Ours)
        {
            _counters.OtherPartition(1, bytes); // another gateway's sample: its values are not read
            _sawData = true; // the layout rules after data hold here too, so the gateways agree on what is a header
            return false;
        }

        int slot = batch.Next();
        var row = batch.Row(slot);
        for (int c = 0; c < _dataFields.Length; c++)
        {
            var status = RecordingLine.ParseValue(RecordingLine.Field(line, fields[_dataFields[c]]), out float v);
            if (status != FieldValue.Number)
            {
                Refuse(status == FieldValue.NonFinite ? RejectReason.NonFinite : RejectReason.NotANumber, line, bytes);
                return false;
            }
            row[c] = v;
        }
        double seconds = double.NaN;
        if (_timeField >= 0)
        {
            var status = RecordingLine.ParseTime(RecordingLine.Field(line, fields[_timeField]), out seconds);
            if (status != FieldValue.Number)
            {
                Refuse(status == FieldValue.NonFinite ? RejectReason.NonFinite : RejectReason.NotANumber, line, bytes);
                return false;
            }
        }
        batch.Label[slot] = _labelField >= 0 ? _layout!.Labels.Intern(RecordingLine.Field(line, fields[_labelField])) : -1;
        batch.Stream[slot] = _stream;
        batch.Layout[slot] = _layout!;
        batch.Sequence[slot] = -1;
        batch.RecordingSeconds[slot] = seconds;
        batch.ArrivalTicks[slot] = arrival.StopwatchTicks;
        batch.WallTicks[slot] = _options.RecordingTime
            ? RecordingClock.WallTicksOf(seconds)
            : arrival.UtcTicks;
        batch.Commit();
        _sawData = true;
        Interlocked.Increment(ref _counters.LinesOrFramesDecoded);
        Interlocked.Increment(ref _counters.SamplesDecoded);
        _counters.Understood(bytes);
        return true;
    }

    /// <summary>
    /// A line of words: the current header again, a header naming every expected column (taken at
    /// once), or a candidate that the next data line must confirm by its width (before data
    /// flowed on this connection; after it, words are noise, not a new layout).
    /// </summary>
    private void Words(ReadOnlySpan<byte> line, ReadOnlySpan<Range> fields, long bytes)
    {
        RefuseCandidate();
        var names = RecordingLine.Names(line, fields);
        if (IsCurrentHeader(names) || NamesExpected(names) && TakeHeader(names))
        {
            Interlocked.Increment(ref _counters.LinesOrFramesDecoded);
            _counters.Understood(bytes);
            return;
        }
        if (_sawData || RecordingHeader.ChannelCount(names) > SampleBatch.MaxColumns)
        {
            Refuse(RejectReason.NotAHeader, line, bytes);
            return;
        }
        _candidate = names;
        _candidateText = line.ToArray();
        _candidateBytes = bytes;
    }

    /// <summary>The data line after a candidate: its width confirms the candidate as the header, or refutes it.</summary>
    private void ConfirmOrRefuseCandidate(bool widthMatches)
    {
        if (widthMatches && TakeHeader(_candidate!))
        {
            Interlocked.Increment(ref _counters.LinesOrFramesDecoded);
            _counters.Understood(_candidateBytes);
            _candidate = null;
        }
        else RefuseCandidate();
    }

    /// <summary>
    /// Whether the line's fields are numbers where the candidate header names no label: a line that
    /// only has the width by accident (a line cut short by a reset run into a banner) confirms nothing.
    /// </summary>
    private static bool Numeric(ReadOnlySpan<byte> line, ReadOnlySpan<Range> fields, string[] names)
    {
        for (int k = 0; k < fields.Length && k < names.Length; k++)
        {
            if (string.Equals(names[k], "label", StringComparison.OrdinalIgnoreCase)) continue;
            var field = RecordingLine.Field(line, fields[k]);
            if (!field.IsEmpty && RecordingLine.ParseValue(field, out _) == FieldValue.NotANumber) return false; // empty: the readers' rule decides
        }
        return true;
    }

    private void RefuseCandidate()
    {
        if (_candidate is null) return;
        _candidate = null;
        Refuse(RejectReason.NotAHeader, _candidateText, _candidateBytes);
    }

    private bool NamesExpected(string[] names)
    {
        var expected = _options.ExpectedNames;
        if (expected.Count == 0) return false;
        foreach (var e in expected)
            if (Array.FindIndex(names, n => string.Equals(n, e, StringComparison.OrdinalIgnoreCase)) < 0) return false;
        return true;
    }

    private bool IsCurrentHeader(string[] names) =>
        _layout?.Names is { } current && names.Length == _fieldCount && _dataFields.Length == current.Count
        && RecordingLine.TimeIndex(names) == _timeField && RecordingLine.LabelIndex(names) == _labelField
        && _dataFields.Select(i => names[i]).SequenceEqual(current);

    private bool TakeHeader(string[] names)
    {
        var header = RecordingHeader.Of(names);
        if (header.Channels.Count > SampleBatch.MaxColumns) return false;
        _layout = ColumnLayout.Named(header.Channels);
        _timeField = header.TimeField;
        _labelField = header.LabelField;
        _fieldCount = header.FieldCount;
        _dataFields = [.. header.ChannelFields];
        return true;
    }

    // The excerpt of a multi-segment record is its first segment's part (the pump's input is one segment).
    private void Refuse(RejectReason reason, ReadOnlySequence<byte> record, long bytes) => Refuse(reason, record.FirstSpan, bytes);

    private void Refuse(RejectReason reason, ReadOnlySpan<byte> record, long bytes, int values = -1)
    {
        _counters.Reject(reason, bytes);
        _options.Rejections?.Rejected(reason, record, (this, values), static s => s.Item1.Expected(s.values));
    }

    /// <summary>What a data line should have looked like, for the log.</summary>
    private string Expected(int values)
    {
        if (values < 0) return "";
        string got = values == 1 ? "1 value" : $"{values} values";
        if (_layout?.Names is { } names)
            return $"{got}, the header has {_fieldCount}: {string.Join(',', Enumerable.Range(0, _fieldCount).Select(i => i == _timeField ? "time" : i == _labelField ? "label" : names[Array.IndexOf(_dataFields, i)]))}";
        var expected = _options.ExpectedNames;
        string span = expected.Count == 0 ? "" : expected.Count == 1 ? $": {expected[0]}" : $": {expected[0]}..{expected[^1]}";
        return _options.PositionalColumns > 0 ? $"{got}, model needs {_fieldCount}{span}" : $"{got}, the stream's first line had {_fieldCount}";
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
