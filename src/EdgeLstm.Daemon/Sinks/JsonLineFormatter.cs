using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using EdgeLstm.Daemon.Processing;

namespace EdgeLstm.Daemon.Sinks;

/// <summary>
/// Writes classifications as JSON lines (DESIGN.md section 5): `stream`, `t`, `time` (ISO-8601,
/// when known) or `time_s` (a recording's relative time in seconds), `label`, `score`, and
/// `scores` when asked. One Utf8JsonWriter over one growing buffer,
/// both reused; names and labels are pre-encoded, so a line allocates nothing.
/// </summary>
public sealed class JsonLineFormatter
{
    /// <summary>Non-ASCII label names pass through as UTF-8 instead of \u escapes.</summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static readonly JsonEncodedText StreamName = JsonEncodedText.Encode("stream"), TName = JsonEncodedText.Encode("t"),
        TimeName = JsonEncodedText.Encode("time"), RelativeTimeName = JsonEncodedText.Encode("time_s"), LabelName = JsonEncodedText.Encode("label"),
        ScoreName = JsonEncodedText.Encode("score"), ScoresName = JsonEncodedText.Encode("scores");

    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 16);
    private readonly Utf8JsonWriter _writer;
    private readonly bool _scores;

    public JsonLineFormatter(bool scores)
    {
        _scores = scores;
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = Encoder, SkipValidation = true });
    }

    // The longest text of each value (.NET writes the shortest round-trip form): a long is at most
    // 20 characters; a double or float at most 24 ("-1.7976931348623157E+308"); a DateTime in
    // ISO-8601 "O" form at most 33, plus its quotes.
    private const int LongChars = 20, FloatChars = 24, TimeChars = 33 + 2;

    /// <summary>
    /// The longest line, its '\n' included, that a classification of this stream with these labels
    /// can be formatted to, with scores: each number at its longest, the longest label. Derived once
    /// per stream, so that a buffer of this size is never outgrown (MqttSink sizes its pooled messages so).
    /// </summary>
    public static int MaxLineLength(JsonEncodedText stream, ReadOnlySpan<JsonEncodedText> labels)
    {
        int longestLabel = 0, scores = 0;
        foreach (var label in labels)
        {
            int quoted = label.EncodedUtf8Bytes.Length + 2;
            longestLabel = Math.Max(longestLabel, quoted);
            scores += quoted + 1 + FloatChars + 1; // "name":value,
        }
        int time = Math.Max(TimeName.EncodedUtf8Bytes.Length + TimeChars, RelativeTimeName.EncodedUtf8Bytes.Length + FloatChars);
        return 1 + Member(StreamName, stream.EncodedUtf8Bytes.Length + 2) + Member(TName, LongChars) + 3 + time
               + Member(LabelName, longestLabel) + Member(ScoreName, FloatChars) + Member(ScoresName, 1 + scores + 1) + 1 + 1;

        static int Member(JsonEncodedText name, int value) => name.EncodedUtf8Bytes.Length + 3 + value + 1; // "name":value,
    }

    /// <summary>
    /// Formats every classification of the batch into one block of lines; <paramref name="lineEnds"/>
    /// receives each line's end offset (after its '\n'). The block stays valid until the next call.
    /// </summary>
    public ReadOnlyMemory<byte> Format(ClassificationBatch batch, Span<int> lineEnds)
    {
        _buffer.ResetWrittenCount();
        for (int i = 0; i < batch.Count; i++)
        {
            _writer.Reset(_buffer);
            var labels = batch.LabelNames[i];
            _writer.WriteStartObject();
            _writer.WriteString(StreamName, batch.Stream[i].JsonName);
            _writer.WriteNumber(TName, batch.T[i]);
            if (batch.WallTicks[i] != 0) _writer.WriteString(TimeName, new DateTime(batch.WallTicks[i], DateTimeKind.Utc));
            else if (!double.IsNaN(batch.RelativeSeconds[i])) _writer.WriteNumber(RelativeTimeName, Math.Round(batch.RelativeSeconds[i], 6));
            _writer.WriteString(LabelName, labels[batch.Label[i]]);
            _writer.WriteNumber(ScoreName, batch.Score[i]);
            if (_scores)
            {
                _writer.WriteStartObject(ScoresName);
                var scores = batch.ScoresOf(i);
                for (int k = 0; k < scores.Length; k++) _writer.WriteNumber(labels[k], scores[k]);
                _writer.WriteEndObject();
            }
            _writer.WriteEndObject();
            _writer.Flush();
            _buffer.GetSpan(1)[0] = (byte)'\n';
            _buffer.Advance(1);
            lineEnds[i] = _buffer.WrittenCount;
        }
        return _buffer.WrittenMemory;
    }
}
