using System.Globalization;
using System.Text;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Decoding;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Tests;

public class TextLineDecoderTests
{
    private static (List<DecoderHarness.Decoded> Samples, PipelineCounters Counters) Decode(string text, int positional = 0, int seed = 1, int maxLine = 256)
    {
        var counters = new PipelineCounters();
        var stream = new StreamRegistry().GetOrAdd("s", "s");
        var decoder = new TextLineDecoder(DecoderHarness.Options(counters, positional, maxLine), stream);
        return (DecoderHarness.Run(decoder, Encoding.UTF8.GetBytes(text), seed), counters);
    }

    [Fact]
    public void Header_names_columns_and_time_and_label_are_recognized()
    {
        var (samples, counters) = Decode("time,acc_x,acc_y,label\n0.00,1.5,-2,walking\n0.02,3,4e-1,\n0.04,5,6,sitting\n0.06,7,8,walking\n");
        Assert.Equal(4, samples.Count);
        Assert.Equal(["acc_x", "acc_y"], samples[0].Layout.Names!);
        Assert.Equal([1.5f, -2f], samples[0].Values);
        Assert.Equal([3f, 0.4f], samples[1].Values);
        Assert.Equal(0.02, samples[1].Seconds, 12);
        Assert.Equal(-1, samples[1].Label);
        Assert.Equal("walking", samples[0].Layout.Labels[samples[0].Label]);
        Assert.Equal(samples[0].Label, samples[3].Label);
        Assert.Equal("sitting", samples[2].Layout.Labels[samples[2].Label]);
        Assert.Equal(0, counters.RejectedTotal);
    }

    [Theory]
    [InlineData("1,2,3\n4,5,6\n")]
    [InlineData("1\t2\t3\n4\t5\t6\n")]
    [InlineData("1 2  3\n  4 5 6 \r\n")]
    public void Edge_impulse_lines_without_header_are_positional_with_any_separator(string text)
    {
        var (samples, counters) = Decode(text, positional: 3);
        Assert.Equal(2, samples.Count);
        Assert.Null(samples[0].Layout.Names);
        Assert.Equal([1f, 2f, 3f], samples[0].Values);
        Assert.Equal([4f, 5f, 6f], samples[1].Values);
        Assert.True(double.IsNaN(samples[0].Seconds));
        Assert.Equal(0, counters.RejectedTotal);
    }

    [Fact]
    public void Every_kind_of_bad_line_is_counted_by_reason_and_every_valid_line_decoded()
    {
        var random = new Random(5);
        var text = new StringBuilder("acc_x,acc_y,acc_z\n");
        var expected = new List<float[]>();
        var reasons = new Dictionary<RejectReason, int>();
        void Bad(RejectReason reason, string line)
        {
            text.Append(line).Append('\n');
            reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
        }
        for (int i = 0; i < 400; i++)
        {
            var v = new[] { (float)random.NextDouble(), (float)-random.NextDouble(), i };
            expected.Add(v);
            text.Append(string.Join(',', v.Select(x => x.ToString("R", CultureInfo.InvariantCulture)))).Append('\n');
            switch (i % 8)
            {
                case 0: Bad(RejectReason.WrongFieldCount, "1,2"); break;
                case 1: Bad(RejectReason.NotANumber, "1,abc,3"); break;
                case 2: Bad(RejectReason.NonFinite, i % 16 < 8 ? "NaN,1,2" : "1,Infinity,2"); break;
                case 3: Bad(RejectReason.LineTooLong, new string('7', 300)); break;
                case 4: Bad(RejectReason.BinaryOnText, "1,2,\u0001\u0002\u00ff"); break;
                case 5: Bad(RejectReason.NotAHeader, "hello,world,again"); break; // words after data: not a new header
                case 6: Bad(RejectReason.WrongFieldCount, "1,2,3,4"); break;
                case 7: Bad(RejectReason.NonFinite, "1,-Infinity,2"); break;
            }
        }
        for (int seed = 1; seed <= 3; seed++)
        {
            var (samples, counters) = Decode(text.ToString(), seed: seed);
            Assert.Equal(expected.Count, samples.Count);
            for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], samples[i].Values);
            foreach (var (reason, count) in reasons) Assert.Equal(count, counters.RejectedBy(reason));
            Assert.Equal(reasons.Values.Sum(), counters.RejectedTotal);
        }
    }

    [Fact]
    public void Random_bytes_and_an_overlong_unterminated_run_are_survived()
    {
        var random = new Random(11);
        var bytes = new List<byte>();
        var valid = new List<float[]>();
        for (int round = 0; round < 50; round++)
        {
            var garbage = new byte[random.Next(0, 2000)];
            random.NextBytes(garbage);
            bytes.AddRange(garbage);
            bytes.Add((byte)'\n'); // garbage ends somewhere; the next valid line starts on a fresh line
            for (int k = 0; k < 5; k++)
            {
                var v = new[] { round, k, round * 10f + k };
                valid.Add(v);
                bytes.AddRange(Encoding.ASCII.GetBytes($"{v[0]},{v[1]},{v[2]}\n"));
            }
        }
        var counters = new PipelineCounters();
        var decoder = new TextLineDecoder(DecoderHarness.Options(counters, positional: 3), new StreamRegistry().GetOrAdd("s", "s"));
        var samples = DecoderHarness.Run(decoder, [.. bytes], 3, maxChunk: 4000);
        // Random lines may happen to be valid numbers of 3 fields; all ours must be there, in order.
        var ours = samples.Where(s => valid.Any(v => v.SequenceEqual(s.Values))).Select(s => s.Values).ToList();
        Assert.Equal(valid.Count, ours.Count);
        for (int i = 0; i < valid.Count; i++) Assert.Equal(valid[i], ours[i]);
        Assert.True(counters.RejectedTotal > 0);
    }
}
