using System.Text.Json;
using CsCheck;
using EdgeLstm.Daemon.Mqtt;
using EdgeLstm.Daemon.Processing;
using EdgeLstm.Daemon.Samples;
using EdgeLstm.Daemon.Sinks;

namespace EdgeLstm.Daemon.Tests;

/// <summary>
/// The MQTT sink sizes its pooled messages by <see cref="JsonLineFormatter.MaxLineLength"/>, so
/// that no message's buffer is outgrown in steady state (CI once saw 7,792 bytes allocated over
/// 160,000 samples when buffers started at 256 bytes and HAPT's lines hover around that length).
/// The bound must hold for every value a line can carry: the longest numbers, escaped and
/// non-ASCII names, wall or relative time, any number of labels.
/// </summary>
public class JsonLineBoundTests
{
    private static readonly Gen<string> Name = Gen.Char.Array[1, 24].Select(c => new string(c)).Where(s => !s.Any(char.IsSurrogate));

    private static readonly float[] LongFloats = [float.MinValue, -float.Epsilon, -1.17549435E-38f, -0.123456789f, 1f / 3];
    private static readonly Gen<float> AnyFloat = Gen.OneOf(Gen.Float.Where(float.IsFinite), Gen.Int[0, LongFloats.Length - 1].Select(i => LongFloats[i]));

    [Fact]
    public void No_line_is_longer_than_the_bound_of_its_stream_and_labels()
    {
        Gen.Select(Name, Name.Array[1, ClassificationBatch.MaxClasses], Gen.Long, Gen.Bool, Gen.Double.Where(double.IsFinite), AnyFloat.Array[ClassificationBatch.MaxClasses])
            .Sample((stream, labels, t, wall, seconds, scores) =>
            {
                var handle = new StreamRegistry().GetOrAdd(stream, "s");
                var names = labels.Select(l => JsonEncodedText.Encode(l, JsonLineFormatter.Encoder)).ToArray();
                var batch = new ClassificationBatch(1);
                batch.Add(handle, t, wall ? DateTime.MaxValue.Ticks : 0, wall ? double.NaN : seconds, 0, labels.Length - 1, scores[0], scores.AsSpan(0, labels.Length), names);
                var lineEnds = new int[1];
                int length = new JsonLineFormatter(scores: true).Format(batch, lineEnds).Length;
                int bound = JsonLineFormatter.MaxLineLength(handle.JsonName, names);
                Assert.True(length <= bound, $"{length} > {bound}");
            });
    }

    [Fact]
    public void The_bound_of_the_longest_values_is_reached_within_a_few_bytes()
    {
        // Not a loose guess: the longest line comes within what the bound allows over it: two commas,
        // a float's 14 characters against the 24 a double may take, a UTC time against an offset.
        var handle = new StreamRegistry().GetOrAdd("imu.wrist", "s");
        JsonEncodedText[] names = [.. TestModels.Labels.Select(l => JsonEncodedText.Encode(l, JsonLineFormatter.Encoder))];
        var batch = new ClassificationBatch(1);
        float[] scores = [.. names.Select(_ => -1.17549435E-38f)];
        batch.Add(handle, long.MinValue, DateTime.MaxValue.Ticks, double.NaN, 0, 2, -1.17549435E-38f, scores, names);
        int length = new JsonLineFormatter(scores: true).Format(batch, new int[1]).Length;
        int bound = JsonLineFormatter.MaxLineLength(handle.JsonName, names);
        int slack = 2 + 10 * (names.Length + 1) + 5; // and a UTC time's "Z" against an offset's "+hh:mm"
        Assert.True(length <= bound && bound - length <= slack, $"bound {bound}, line {length}");
    }

    [Fact]
    public void A_pooled_message_holds_any_reserved_payload_without_growing()
    {
        var pool = new MqttMessagePool(4);
        pool.ReservePayload(700);
        var payload = new byte[700];
        var message = pool.Rent("t", [1], 0, retain: false);
        pool.Return(message);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var again = pool.Rent("t", payload, 0, retain: false);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Same(message, again);
        Assert.Equal(0, allocated);
        Assert.Equal(700, again.Payload.Length);
    }
}
