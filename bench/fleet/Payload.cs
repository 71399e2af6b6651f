using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace EdgeLstm.Fleet;

/// <summary>
/// One message of M samples as a node sends it. Text: the header line (`time` and the channel
/// names, docs/protocol.md) when asked, then one line per sample, comma-separated, `time` first.
/// JSON, as ArduinoJson would write it: {"seq":n,"samples":[{"time":..,"acc_x":..,...},...]}.
/// `time` is the wall-clock second the sample was taken, with microseconds.
/// </summary>
internal sealed class Payload(NodeRecording recording, bool json)
{
    private readonly byte[] _header = Encoding.ASCII.GetBytes("time," + string.Join(',', recording.Channels) + "\n");
    private readonly JsonEncodedText[] _names = [.. recording.Channels.Select(c => JsonEncodedText.Encode(c))];
    private static readonly JsonEncodedText Time = JsonEncodedText.Encode("time"), Seq = JsonEncodedText.Encode("seq"), Samples = JsonEncodedText.Encode("samples");

    /// <summary>Writes samples <paramref name="first"/>.. of the recording, the k-th taken at <paramref name="times"/>[k] (Unix seconds).</summary>
    public void Write(ArrayBufferWriter<byte> to, long seq, long first, ReadOnlySpan<double> times, bool header)
    {
        to.ResetWrittenCount();
        if (json) WriteJson(to, seq, first, times);
        else WriteText(to, first, times, header);
    }

    private void WriteText(ArrayBufferWriter<byte> to, long first, ReadOnlySpan<double> times, bool header)
    {
        if (header) to.Write(_header);
        for (int k = 0; k < times.Length; k++)
        {
            var span = to.GetSpan(32 + 24 * recording.Channels.Length);
            int n = Format(span, times[k], new StandardFormat('F', 6));
            foreach (float v in recording.Row(first + k))
            {
                span[n++] = (byte)',';
                n += Format(span[n..], v);
            }
            span[n++] = (byte)'\n';
            to.Advance(n);
        }
    }

    private void WriteJson(ArrayBufferWriter<byte> to, long seq, long first, ReadOnlySpan<double> times)
    {
        using var w = new Utf8JsonWriter(to);
        w.WriteStartObject();
        w.WriteNumber(Seq, seq);
        w.WriteStartArray(Samples);
        for (int k = 0; k < times.Length; k++)
        {
            w.WriteStartObject();
            w.WriteNumber(Time, Math.Round(times[k], 6));
            var row = recording.Row(first + k);
            for (int c = 0; c < row.Length; c++) w.WriteNumber(_names[c], row[c]);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static int Format(Span<byte> span, double value, StandardFormat format) =>
        Utf8Formatter.TryFormat(value, span, out int n, format) ? n : throw new InvalidOperationException("no room for a number");

    private static int Format(Span<byte> span, float value) =>
        value.TryFormat(span, out int n, default, System.Globalization.CultureInfo.InvariantCulture) ? n : throw new InvalidOperationException("no room for a number");
}
