using System.Buffers;
using System.Text;
using System.Text.Json;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Decoding;

/// <summary>
/// Decodes JSON messages the way ESP32 sketches write them with ArduinoJson (docs/protocol.md,
/// "JSON messages"): one object of named channels (<c>{"acc_x":0.1,...}</c>, optional <c>t</c>
/// seconds or <c>ts</c> milliseconds, <c>seq</c>, <c>label</c>), or an object whose
/// <c>samples</c> array holds such objects, or arrays of numbers in the model's channel order, with
/// optional <c>seq</c> (the first sample's number), <c>t</c>/<c>ts</c>, <c>dt</c> (seconds between
/// samples) and <c>label</c> for all of them. Channel names map onto the model's inputs as a text
/// header's do: the first message's names are the stream's layout, a message naming others
/// starts a new one.
/// One input is one whole message (called with isFinal; without it the decoder waits for the end).
/// A message is parsed completely before any sample is given out, so that it is decoded or
/// rejected as a whole: one not well-formed is <c>json_syntax</c>, one of no accepted shape
/// <c>json_shape</c>, all its bytes in <c>bytes_rejected</c>. In a message understood (its bytes
/// in <c>bytes_decoded</c>, one in <c>lines_or_frames_decoded</c>) a sample can still be refused,
/// counted without bytes like a frame's non-finite sample: <c>non_finite</c> (ArduinoJson writes NaN
/// as null), <c>not_a_number</c> (a string or boolean), <c>wrong_field_count</c> (a channel
/// missing or unknown, a row of the wrong width).
/// Sequence numbers count samples as a frame's do (sample i of a message is seq + i), so a
/// message lost between two others is a gap that resets the stream (docs/pipeline.md).
/// Steady state allocates nothing: values are parsed by <see cref="Utf8JsonReader"/> into a
/// buffer made once; names and labels are matched on their UTF-8 bytes; only a new layout or
/// label allocates.
/// </summary>
public sealed class JsonSampleDecoder : ISampleDecoder
{
    /// <summary>Samples one message may hold.</summary>
    public const int MaxSamples = 128;

    /// <summary>Longest label in UTF-8 bytes.</summary>
    public const int MaxLabelBytes = 64;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 4 };
    private static ReadOnlySpan<byte> Samples => "samples"u8;

    private readonly DecoderOptions _options;
    private readonly PipelineCounters _counters;
    private readonly StreamHandle _stream;
    private readonly float[] _values = new float[MaxSamples * SampleBatch.MaxColumns];
    private readonly long[] _sequence = new long[MaxSamples];
    private readonly double[] _seconds = new double[MaxSamples];
    private readonly int[] _label = new int[MaxSamples];
    private readonly RejectReason?[] _refused = new RejectReason?[MaxSamples];
    private readonly byte[] _labelBytes = new byte[MaxLabelBytes];

    // The named layout (its names in UTF-8, to match without strings) and the positional one.
    private ColumnLayout? _named, _positional;
    private byte[][] _names = [];

    // The parsed message being given out: its layout, how many samples, how many are out.
    private ColumnLayout? _layout;
    private int _count, _next;

    public JsonSampleDecoder(DecoderOptions options, StreamHandle stream)
    {
        _options = options;
        _counters = options.Counters;
        _stream = stream;
    }

    /// <summary>The named layout of this stream's messages so far (null before a message of named channels).</summary>
    public ColumnLayout? Layout => _named;

    public void DiscardPartial()
    {
        _count = _next = 0;
        _options.Rejections?.Flush();
    }

    public SequencePosition Decode(ReadOnlySequence<byte> input, SampleBatch batch, int maxSamples, bool isFinal, Arrival arrival)
    {
        if (_next == _count)
        {
            if (!isFinal || input.IsEmpty) return input.Start; // a message is decoded whole, at its end
            _count = _next = 0;
            if (!Parse(input, out var reason))
            {
                Refuse(reason, input);
                return input.End;
            }
            if (!_stream.Ours)
            {
                _counters.OtherPartition(_count, input.Length); // another gateway's stream: parsed to count its samples, not classified
                _count = 0;
                return input.End;
            }
            Interlocked.Increment(ref _counters.LinesOrFramesDecoded);
            _counters.Understood(input.Length);
        }
        int added = 0;
        while (_next < _count && added < maxSamples && !batch.IsFull)
        {
            int s = _next++;
            if (_refused[s] is { } refused)
            {
                _counters.Reject(refused);
                _options.Rejections?.Rejected(refused, input.FirstSpan, s, static s => $"sample {s} of a JSON message");
                continue;
            }
            int slot = batch.Next();
            _values.AsSpan(s * SampleBatch.MaxColumns, _layout!.DataColumns).CopyTo(batch.Row(slot));
            batch.Stream[slot] = _stream;
            batch.Layout[slot] = _layout;
            batch.Sequence[slot] = _sequence[s];
            batch.RecordingSeconds[slot] = _seconds[s];
            batch.ArrivalTicks[slot] = arrival.StopwatchTicks;
            batch.WallTicks[slot] = _options.RecordingTime ? RecordingClock.WallTicksOf(_seconds[s]) : arrival.UtcTicks;
            batch.Label[slot] = _label[s];
            batch.Commit();
            added++;
        }
        Interlocked.Add(ref _counters.SamplesDecoded, added);
        return _next == _count ? input.End : input.Start; // the rest of the message goes into the next batch
    }

    /// <summary>The message into the buffers, or the reason it is refused as a whole.</summary>
    private bool Parse(ReadOnlySequence<byte> input, out RejectReason reason)
    {
        reason = RejectReason.JsonShape;
        var (named, names) = (_named, _names); // a refused message leaves the stream's layout as it was
        if (Parsed(input, ref reason)) return true;
        (_named, _names) = (named, names);
        _count = 0;
        return false;
    }

    private bool Parsed(ReadOnlySequence<byte> input, ref RejectReason reason)
    {
        try
        {
            var reader = new Utf8JsonReader(input, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            if (!ChooseLayout(reader)) return false;
            var top = new SampleFields();
            bool samples = false, channels = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(Samples))
                {
                    if (samples || !reader.Read() || reader.TokenType != JsonTokenType.StartArray) return false;
                    samples = true;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (_count == MaxSamples || !Sample(ref reader, ref _fields[_count])) return false;
                        _count++;
                    }
                    continue;
                }
                switch (Field(ref reader, 0, ref top))
                {
                    case FieldKind.Invalid: return false;
                    case FieldKind.Channel: channels = true; break;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return false;
            if (samples == channels || samples && _count == 0) return false; // channels beside samples, or no sample at all
            if (channels)
            {
                _count = 1;
                Finish(0, top, top);
            }
            else
                for (int s = 0; s < _count; s++) Finish(s, _fields[s], top);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) // InvalidOperationException: a name that is not UTF-8
        {
            reason = RejectReason.JsonSyntax;
            return false;
        }
    }

    // What a sample gave of its own (or the message for all its samples), before defaults apply.
    private struct SampleFields
    {
        public long Sequence;
        public double Seconds, Dt;
        public int Label, Width;
        public uint Present;
        public RejectReason? Refused;
        public bool HasSequence, HasSeconds, HasDt, HasLabel;
    }

    private readonly SampleFields[] _fields = new SampleFields[MaxSamples];

    /// <summary>An item of the samples array (the reader on its start): an object of channels and its own t/ts/seq/label, or a row of numbers.</summary>
    private bool Sample(ref Utf8JsonReader reader, ref SampleFields f)
    {
        int s = _count;
        f = default;
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            if (_layout != _positional) return false; // rows after objects
            int c = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject) return false;
                if (c < _layout!.DataColumns) Value(ref reader, s, c, ref f);
                c++;
            }
            f.Width = c;
            return true;
        }
        if (reader.TokenType != JsonTokenType.StartObject || _layout != _named) return false; // objects after rows, or not a sample
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            if (reader.ValueTextEquals(Samples) || Field(ref reader, s, ref f) == FieldKind.Invalid) return false;
        return true;
    }

    private enum FieldKind { Invalid, Channel, Meta }

    /// <summary>One property of a sample object (or of the message): t/ts/dt/seq/label, or a channel (a number, null, or refused).</summary>
    private FieldKind Field(ref Utf8JsonReader reader, int s, ref SampleFields f)
    {
        char meta = Meta(ref reader, out int column);
        if (!reader.Read()) return FieldKind.Invalid;
        switch (meta)
        {
            case 't' or 'T' or 'd':
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out double x) || !double.IsFinite(x)) return FieldKind.Invalid;
                if (meta == 'd') (f.Dt, f.HasDt) = (x, true);
                else (f.Seconds, f.HasSeconds) = (meta == 't' ? x : x / 1000, true);
                return FieldKind.Meta;
            case 's':
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long q) || q is < 0 or > uint.MaxValue) return FieldKind.Invalid;
                (f.Sequence, f.HasSequence) = (q, true);
                return FieldKind.Meta;
            case 'l':
                if (reader.TokenType != JsonTokenType.String) return FieldKind.Invalid;
                int n;
                try { n = reader.CopyString(_labelBytes); }
                catch (ArgumentException) { return FieldKind.Invalid; } // longer than MaxLabelBytes
                (f.Label, f.HasLabel) = (_layout!.Labels.Intern(_labelBytes.AsSpan(0, n)), true);
                return FieldKind.Meta;
        }
        if (_layout != _named || reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject) return FieldKind.Invalid;
        if (column < 0 || (f.Present & (1u << column)) != 0) f.Refused ??= RejectReason.WrongFieldCount; // a channel the layout lacks, or named twice
        else Value(ref reader, s, column, ref f);
        return FieldKind.Channel;
    }

    /// <summary>On a property name: 't', 'T' (ts), 'd' (dt), 's' (seq), 'l' (label), or '\0' for a channel, with its column in the named layout (-1: not in it).</summary>
    private char Meta(ref Utf8JsonReader reader, out int column)
    {
        column = -1;
        if (reader.ValueTextEquals("t"u8)) return 't';
        if (reader.ValueTextEquals("ts"u8)) return 'T';
        if (reader.ValueTextEquals("dt"u8)) return 'd';
        if (reader.ValueTextEquals("seq"u8)) return 's';
        if (reader.ValueTextEquals("label"u8)) return 'l';
        for (int c = 0; c < _names.Length; c++)
            if (reader.ValueTextEquals(_names[c]))
            {
                column = c;
                break;
            }
        return '\0';
    }

    /// <summary>A channel's value: a finite number, else the sample is refused by why.</summary>
    private void Value(ref Utf8JsonReader reader, int s, int column, ref SampleFields f)
    {
        f.Present |= 1u << column;
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetSingle(out float v) && float.IsFinite(v))
            _values[s * SampleBatch.MaxColumns + column] = v;
        else f.Refused ??= reader.TokenType is JsonTokenType.Number or JsonTokenType.Null ? RejectReason.NonFinite : RejectReason.NotANumber;
    }

    /// <summary>A sample's sequence number, time and label (its own, else the message's), and whether it is whole.</summary>
    private void Finish(int s, in SampleFields f, in SampleFields top)
    {
        var refused = f.Refused;
        int width = _layout == _positional ? f.Width : System.Numerics.BitOperations.PopCount(f.Present);
        if (width != _layout!.DataColumns) refused ??= RejectReason.WrongFieldCount;
        _refused[s] = refused;
        _sequence[s] = f.HasSequence ? f.Sequence : top.HasSequence ? (uint)(top.Sequence + s) : -1;
        _seconds[s] = f.HasSeconds ? f.Seconds : top.HasSeconds ? top.Seconds + s * (top.HasDt ? top.Dt : 0) : double.NaN;
        _label[s] = f.HasLabel ? f.Label : top.HasLabel ? top.Label : -1;
    }

    /// <summary>
    /// Reads ahead (on a copy of the reader, on the message's '{') to its first sample and chooses
    /// the layout: rows are positional; channel names are the current named layout when they are
    /// its set of names, else a new layout of these names in their order (what allocates, once per
    /// change, like a new text header).
    /// </summary>
    private bool ChooseLayout(Utf8JsonReader reader)
    {
        _layout = null;
        while (true)
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName) return false;
            if (reader.ValueTextEquals(Samples))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray || !reader.Read()) return false;
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    _layout = Positional(ref reader);
                    return true;
                }
                if (reader.TokenType != JsonTokenType.StartObject || !reader.Read()) return false;
                break; // on the first sample's first property
            }
            if (Meta(ref reader, out _) == '\0') break; // the message's own first channel: the message is the sample
            if (!reader.Read()) return false;
            reader.Skip();
        }
        var again = reader;
        if (!Channels(ref reader, null, out int count, out bool known)) return false;
        if (known && _named is not null && count == _names.Length)
        {
            _layout = _named;
            return true;
        }
        var names = new List<string>();
        if (!Channels(ref again, names, out count, out _) || count is 0 or > SampleBatch.MaxColumns
            || names.Distinct(StringComparer.Ordinal).Count() != count) return false;
        _named = ColumnLayout.Named(names);
        _names = [.. names.Select(Encoding.UTF8.GetBytes)];
        _layout = _named;
        return true;
    }

    /// <summary>
    /// The channel names of one sample object, from the reader on a property name to the object's
    /// end: how many, whether all are distinct names of the current layout, and their names when asked.
    /// </summary>
    private bool Channels(ref Utf8JsonReader reader, List<string>? names, out int count, out bool known)
    {
        count = 0;
        known = true;
        uint seen = 0;
        while (reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(Samples)) return false;
            if (Meta(ref reader, out int column) == '\0')
            {
                if (++count > SampleBatch.MaxColumns) return false;
                names?.Add(reader.GetString()!);
                if (column < 0 || (seen & (1u << column)) != 0) known = false;
                else seen |= 1u << column;
            }
            if (!reader.Read()) return false;
            reader.Skip();
            if (!reader.Read()) return false;
        }
        return true;
    }

    /// <summary>The positional layout of a row (the reader on its '['), by the configured width or else the row's.</summary>
    private ColumnLayout Positional(ref Utf8JsonReader reader)
    {
        int width = _options.PositionalColumns;
        if (width == 0)
        {
            var copy = reader;
            while (copy.Read() && copy.TokenType != JsonTokenType.EndArray)
            {
                width++;
                if (copy.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject) copy.Skip();
            }
        }
        return Positional(width);
    }

    private ColumnLayout Positional(int width)
    {
        width = Math.Clamp(width, 1, SampleBatch.MaxColumns);
        if (_positional?.DataColumns != width) _positional = ColumnLayout.Positional(width);
        return _positional;
    }

    private void Refuse(RejectReason reason, ReadOnlySequence<byte> message)
    {
        _count = _next = 0;
        _counters.Reject(reason, message.Length);
        _options.Rejections?.Rejected(reason, message.FirstSpan, 0, static _ => "a JSON message (docs/protocol.md)");
    }
}
