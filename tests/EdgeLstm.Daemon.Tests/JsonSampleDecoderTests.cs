using System.Buffers;
using System.Globalization;
using System.Text;
using CsCheck;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Decoding;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Tests;

/// <summary>
/// The JSON message decoder (docs/protocol.md, "JSON messages"): every accepted shape, every
/// reason of refusal, the byte accounting, layouts by name, batches smaller than a message, and
/// no allocation in steady state.
/// </summary>
public class JsonSampleDecoderTests
{
    private static (List<DecoderHarness.Decoded> Samples, PipelineCounters Counters, long Bytes) Decode(int positional, params string[] messages)
    {
        var counters = new PipelineCounters();
        var stream = new StreamRegistry().GetOrAdd("nodes/a", "nodes");
        var decoder = new JsonSampleDecoder(DecoderHarness.Options(counters, positional), stream);
        var samples = new List<DecoderHarness.Decoded>();
        long bytes = 0;
        for (int i = 0; i < messages.Length; i++)
        {
            byte[] data = Encoding.UTF8.GetBytes(messages[i]);
            bytes += data.Length;
            samples.AddRange(DecoderHarness.Run(decoder, data, seed: i));
        }
        return (samples, counters, bytes);
    }

    private static (List<DecoderHarness.Decoded> Samples, PipelineCounters Counters, long Bytes) Decode(params string[] messages) => Decode(0, messages);

    private static void AssertBytesAccounted(PipelineCounters c, long bytes) =>
        Assert.True(bytes == c.DecodedBytes + c.RejectedBytes + c.SkippedBytes, $"{bytes} bytes = {c.DecodedBytes} decoded + {c.RejectedBytes} rejected + {c.SkippedBytes} garbage");

    [Fact]
    public void One_object_of_named_channels_is_one_sample_with_its_time_sequence_and_label()
    {
        var (samples, counters, bytes) = Decode("""{"acc_x":0.1,"acc_y":-2,"acc_z":9.81,"t":12.5,"seq":7,"label":"walking"}""",
                                                """{"seq":8,"acc_y":3,"acc_x":4,"acc_z":5,"ts":12520}""");
        Assert.Equal(2, samples.Count);
        Assert.Equal(["acc_x", "acc_y", "acc_z"], samples[0].Layout.Names!);
        Assert.Equal([0.1f, -2f, 9.81f], samples[0].Values);
        Assert.Equal((7L, 12.5), (samples[0].Sequence, samples[0].Seconds));
        Assert.Equal("walking", samples[0].Layout.Labels[samples[0].Label]);
        // Another order of the same names: the same layout, values by name; ts is milliseconds.
        Assert.Same(samples[0].Layout, samples[1].Layout);
        Assert.Equal([4f, 3f, 5f], samples[1].Values);
        Assert.Equal((8L, 12.52), (samples[1].Sequence, samples[1].Seconds));
        Assert.Equal(-1, samples[1].Label);
        Assert.Equal(0, counters.RejectedTotal);
        Assert.Equal(bytes, counters.DecodedBytes);
        Assert.Equal(2, counters.Decoded);
    }

    [Fact]
    public void An_array_of_samples_takes_seq_t_dt_and_label_from_the_message_unless_a_sample_has_its_own()
    {
        var (samples, counters, _) = Decode("""
            {"seq":100,"t":2.0,"dt":0.02,"label":"sitting","samples":[
              {"ax":1,"ay":2},{"ax":3,"ay":4,"label":"standing"},{"ay":6,"ax":5,"t":9,"seq":500}]}
            """);
        Assert.Equal(3, samples.Count);
        Assert.Equal([[1f, 2f], [3f, 4f], [5f, 6f]], samples.Select(s => s.Values));
        Assert.Equal([100L, 101L, 500L], samples.Select(s => s.Sequence));
        Assert.Equal(2.0, samples[0].Seconds, 12);
        Assert.Equal(2.02, samples[1].Seconds, 12);
        Assert.Equal(9.0, samples[2].Seconds, 12);
        var labels = samples[0].Layout.Labels;
        Assert.Equal(["sitting", "standing", "sitting"], samples.Select(s => labels[s.Label]));
        Assert.Equal(0, counters.RejectedTotal);
    }

    [Fact]
    public void Rows_of_numbers_are_in_the_model_s_channel_order()
    {
        var (samples, counters, _) = Decode(3, """{"seq":4294967295,"samples":[[1,2,3],[4,5,6],[7,8]]}""", """{"samples":[[1,2,3,4]]}""");
        Assert.Equal(2, samples.Count);
        Assert.Null(samples[0].Layout.Names);
        Assert.Equal([[1f, 2f, 3f], [4f, 5f, 6f]], samples.Select(s => s.Values));
        Assert.Equal([4294967295L, 0L], samples.Select(s => s.Sequence)); // wraps as a frame's 32-bit number does
        Assert.Equal(2, counters.RejectedBy(RejectReason.WrongFieldCount)); // [7,8] and the row of four
    }

    [Fact]
    public void A_message_more_than_a_batch_holds_comes_out_whole_and_in_order()
    {
        string message = "{\"seq\":0,\"samples\":[" + string.Join(',', Enumerable.Range(0, JsonSampleDecoder.MaxSamples).Select(i => $"{{\"v\":{i}}}")) + "]}";
        var (samples, counters, bytes) = Decode(message);
        Assert.Equal(Enumerable.Range(0, JsonSampleDecoder.MaxSamples).Select(i => (float)i), samples.Select(s => s.Values[0]));
        Assert.Equal(Enumerable.Range(0, JsonSampleDecoder.MaxSamples).Select(i => (long)i), samples.Select(s => s.Sequence));
        Assert.Equal(bytes, counters.DecodedBytes);
        Assert.Equal(1, Volatile.Read(ref counters.LinesOrFramesDecoded));
    }

    [Theory]
    [InlineData("""{"acc_x":0.1,"acc_y":""", "json_syntax")]
    [InlineData("""{acc_x:1}""", "json_syntax")]
    [InlineData("""{"a":1} x""", "json_syntax")]
    [InlineData("""[1,2,3]""", "json_shape")]
    [InlineData("""17""", "json_shape")]
    [InlineData("""{}""", "json_shape")]
    [InlineData("""{"seq":3}""", "json_shape")]
    [InlineData("""{"a":{"b":1}}""", "json_shape")]
    [InlineData("""{"a":[1,2]}""", "json_shape")]
    [InlineData("""{"a":1,"samples":[{"a":2}]}""", "json_shape")]
    [InlineData("""{"samples":[]}""", "json_shape")]
    [InlineData("""{"samples":[{"a":1},[1]]}""", "json_shape")]
    [InlineData("""{"samples":[[1],{"a":1}]}""", "json_shape")]
    [InlineData("""{"samples":[[[1]]]}""", "json_shape")]
    [InlineData("""{"a":1,"seq":-1}""", "json_shape")]
    [InlineData("""{"a":1,"seq":"7"}""", "json_shape")]
    [InlineData("""{"a":1,"t":"now"}""", "json_shape")]
    [InlineData("""{"a":1,"label":7}""", "json_shape")]
    [InlineData("""{"a":1,"label":"a-label-longer-than-sixty-four-bytes-is-refused-as-a-whole-xxxxxxxxxxxxxx"}""", "json_shape")]
    [InlineData("""{"a":1,"a":2}""", "json_shape")]
    public void A_message_of_no_accepted_shape_is_refused_whole_by_its_reason(string message, string reason)
    {
        var (samples, counters, bytes) = Decode(message, """{"ok":1}""");
        Assert.Single(samples); // the next message is not affected
        int r = Array.IndexOf(RejectReasons.Names, reason);
        Assert.True(counters.RejectedBy((RejectReason)r) == 1, $"{reason}: {counters.RejectedTotal} rejections");
        Assert.Equal(1, counters.RejectedTotal);
        Assert.Equal(Encoding.UTF8.GetByteCount(message), counters.RejectedBytes);
        AssertBytesAccounted(counters, bytes);
    }

    [Fact]
    public void A_bad_sample_is_refused_by_its_reason_and_the_message_s_others_decode()
    {
        // ArduinoJson writes NaN as null; a string where a number belongs; a channel missing; one the layout lacks; 1e39 overflows float.
        var (samples, counters, bytes) = Decode("""
            {"samples":[{"a":1,"b":2},{"a":null,"b":2},{"a":"x","b":2},{"a":1},{"a":1,"b":2,"c":3},{"a":1e39,"b":2},{"a":true,"b":2},{"a":5,"b":6}]}
            """);
        Assert.Equal([[1f, 2f], [5f, 6f]], samples.Select(s => s.Values));
        Assert.Equal(2, counters.RejectedBy(RejectReason.NonFinite));
        Assert.Equal(2, counters.RejectedBy(RejectReason.NotANumber));
        Assert.Equal(2, counters.RejectedBy(RejectReason.WrongFieldCount));
        Assert.Equal(bytes, counters.DecodedBytes); // the message was understood; its refused samples carry no bytes
        AssertBytesAccounted(counters, bytes);
    }

    [Fact]
    public void Other_channel_names_start_a_new_layout()
    {
        var (samples, _, _) = Decode("""{"a":1,"b":2}""", """{"x":1,"y":2,"z":3}""", """{"z":3,"y":2,"x":1}""");
        Assert.Equal(["a", "b"], samples[0].Layout.Names!);
        Assert.Equal(["x", "y", "z"], samples[1].Layout.Names!);
        Assert.Same(samples[1].Layout, samples[2].Layout);
        Assert.Equal([1f, 2f, 3f], samples[2].Values);
    }

    [Fact]
    public void Escaped_names_and_labels_match_their_plain_spelling()
    {
        var (samples, counters, _) = Decode("""{"acc_x":1,"label":"walk"}""", """{"acc\u005Fx":2,"label":"w\u0061lk"}""");
        Assert.Equal(2, samples.Count);
        Assert.Same(samples[0].Layout, samples[1].Layout);
        Assert.Equal(samples[0].Label, samples[1].Label);
        Assert.Equal(0, counters.RejectedTotal);
    }

    [Fact]
    public void Decoding_a_known_shape_again_allocates_nothing()
    {
        var counters = new PipelineCounters();
        var decoder = new JsonSampleDecoder(DecoderHarness.Options(counters), new StreamRegistry().GetOrAdd("s", "s"));
        var batch = new SampleBatch(64);
        var messages = new[]
        {
            new ReadOnlySequence<byte>("""{"acc_x":0.125,"acc_y":-1.5,"acc_z":9.8,"seq":1,"ts":1000,"label":"walking"}"""u8.ToArray()),
            new ReadOnlySequence<byte>("""{"seq":2,"t":1.02,"dt":0.02,"samples":[{"acc_x":1,"acc_y":2,"acc_z":3},{"acc_z":3,"acc_y":2,"acc_x":1,"label":"walking"}]}"""u8.ToArray()),
            new ReadOnlySequence<byte>("""{"acc_x":null,"acc_y":"x","acc_z":1}"""u8.ToArray()),
        };
        void Round()
        {
            foreach (var m in messages)
            {
                var rest = m;
                do
                {
                    batch.Clear();
                    rest = rest.Slice(decoder.Decode(rest, batch, int.MaxValue, true, default));
                } while (!rest.IsEmpty);
            }
        }
        Round(); // first sight: the layout and the label
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) Round();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(3003, counters.Decoded);
    }

    /// <summary>Any bytes at all, and valid messages with random damage: nothing throws, every byte is decoded or rejected, samples only from understood messages.</summary>
    [Fact]
    public void Any_message_is_accounted_and_never_throws()
    {
        var valid = Gen.Select(Gen.Int[1, 5], Gen.Int[0, 3], Gen.Bool).Select((n, samples, rows) => rows
            ? "{\"seq\":" + n + ",\"samples\":[" + string.Join(',', Enumerable.Range(0, samples + 1).Select(s => "[" + string.Join(',', Enumerable.Range(0, n).Select(c => (s * 10 + c).ToString(CultureInfo.InvariantCulture))) + "]")) + "]}"
            : "{\"t\":1.5,\"samples\":[" + string.Join(',', Enumerable.Range(0, samples + 1).Select(s => "{" + string.Join(',', Enumerable.Range(0, n).Select(c => $"\"c{c}\":{s}.5")) + "}")) + "]}");
        var damaged = Gen.Select(valid, Gen.Int[0, 1000].Array[0, 3], Gen.Byte.Array[0, 3]).Select((m, at, b) =>
        {
            var bytes = Encoding.UTF8.GetBytes(m);
            for (int i = 0; i < Math.Min(at.Length, b.Length); i++) bytes[at[i] % bytes.Length] = b[i];
            return bytes;
        });
        var messages = Gen.Frequency((4, damaged), (1, Gen.Byte.Array[0, 60])).Array[1, 12];
        messages.Sample(list =>
        {
            var counters = new PipelineCounters();
            var decoder = new JsonSampleDecoder(DecoderHarness.Options(counters, positional: 3), new StreamRegistry().GetOrAdd("s", "s"));
            long bytes = 0, samples = 0;
            for (int i = 0; i < list.Length; i++)
            {
                bytes += list[i].Length;
                samples += DecoderHarness.Run(decoder, list[i], seed: i).Count;
            }
            AssertBytesAccounted(counters, bytes);
            Assert.Equal(counters.Decoded, samples);
        }, iter: 2000, threads: 1);
    }
}
