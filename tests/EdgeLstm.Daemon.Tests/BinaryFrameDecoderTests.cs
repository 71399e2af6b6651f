using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Decoding;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Tests;

public class BinaryFrameDecoderTests
{
    private static byte[] Frame(SampleFormat format, ushort id, uint seq, int channels, float[] values, ulong ts = 0, uint interval = 0)
    {
        var buffer = new byte[BinaryFrame.MaxSize];
        int n = BinaryFrame.Write(buffer, format, id, seq, ts, interval, channels, values);
        return buffer[..n];
    }

    private static (List<DecoderHarness.Decoded>, PipelineCounters) Decode(byte[] data, int seed = 1)
    {
        var counters = new PipelineCounters();
        var registry = new StreamRegistry();
        var decoder = new BinaryFrameDecoder(DecoderHarness.Options(counters), id => registry.GetOrAdd($"src/{id}", "src"));
        return (DecoderHarness.Run(decoder, data, seed), counters);
    }

    [Fact]
    public void Frames_carry_stream_sequence_timestamp_and_both_formats()
    {
        var data = Frame(SampleFormat.Float32, 7, 100, 3, [1.5f, 2, 3, 4, 5, 6], ts: 2_000_000, interval: 20_000)
            .Concat(Frame(SampleFormat.Int16, 9, 5, 2, [-32768, 32767])).ToArray();
        var (samples, counters) = Decode(data);
        Assert.Equal(3, samples.Count);
        Assert.Equal([1.5f, 2, 3], samples[0].Values);
        Assert.Equal([4f, 5, 6], samples[1].Values);
        Assert.Equal(100, samples[0].Sequence);
        Assert.Equal(101, samples[1].Sequence);
        Assert.Equal(2.0, samples[0].Seconds, 9);
        Assert.Equal(2.02, samples[1].Seconds, 9);
        Assert.Equal("src/7", samples[0].Stream.Name);
        Assert.Equal("src/9", samples[2].Stream.Name);
        Assert.Equal([-32768f, 32767f], samples[2].Values);
        Assert.True(double.IsNaN(samples[2].Seconds));
        Assert.Equal(0, counters.RejectedTotal);
    }

    [Fact]
    public void Garbage_truncated_and_corrupted_frames_are_counted_and_every_valid_frame_after_resync_decoded()
    {
        var random = new Random(3);
        var data = new List<byte>();
        var expected = new List<float[]>();
        int garbageRuns = 0, corrupted = 0, truncated = 0, badHeaders = 0, nonFinite = 0;
        for (int i = 0; i < 300; i++)
        {
            var values = Enumerable.Range(0, 6).Select(_ => (float)random.NextDouble()).ToArray();
            var frame = Frame(SampleFormat.Float32, 1, (uint)i, 3, values);
            switch (i % 6)
            {
                case 0:
                    var garbage = new byte[random.Next(1, 200)];
                    random.NextBytes(garbage);
                    for (int g = 0; g < garbage.Length; g++) if (garbage[g] == BinaryFrame.Sync0) garbage[g] = 0; // a clean garbage run
                    data.AddRange(garbage);
                    garbageRuns++;
                    break;
                case 1:
                    var bad = Frame(SampleFormat.Float32, 1, 9999, 3, values);
                    bad[BinaryFrame.HeaderSize + 2] ^= 0x10;
                    data.AddRange(bad);
                    corrupted++;
                    break;
                case 2:
                    // Cut short: its CRC then covers the next frame's start and fails; resync finds the next frame.
                    data.AddRange(Frame(SampleFormat.Float32, 1, 9999, 3, values)[..20]);
                    truncated++;
                    break;
                case 3:
                    var header = Frame(SampleFormat.Float32, 1, 9999, 3, values);
                    header[BinaryFrame.OffVersion] = 9;
                    data.AddRange(header[..BinaryFrame.HeaderSize]);
                    badHeaders++;
                    break;
                case 4:
                    data.AddRange(Frame(SampleFormat.Float32, 1, 9999, 3, [float.NaN, 1, 2]));
                    nonFinite++;
                    break;
            }
            data.AddRange(frame);
            expected.Add(values[..3]);
            expected.Add(values[3..]);
        }
        for (int seed = 1; seed <= 3; seed++)
        {
            var (samples, counters) = Decode([.. data], seed);
            var ours = samples.Where(s => s.Sequence != 9999).ToList();
            Assert.Equal(expected.Count, ours.Count);
            for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], ours[i].Values);
            Assert.Equal(nonFinite, counters.RejectedBy(RejectReason.NonFinite));
            Assert.True(counters.RejectedBy(RejectReason.BadChecksum) >= corrupted + truncated);
            Assert.True(counters.RejectedBy(RejectReason.BadFrameHeader) >= badHeaders);
            Assert.True(counters.RejectedBy(RejectReason.Garbage) >= garbageRuns);
        }
    }

    [Fact]
    public void A_frame_cut_off_by_the_end_of_input_is_counted_truncated()
    {
        var frame = Frame(SampleFormat.Int16, 1, 0, 2, [1, 2]);
        var (samples, counters) = Decode([.. frame, .. frame[..10]]);
        Assert.Single(samples);
        Assert.Equal(1, counters.RejectedBy(RejectReason.TruncatedFrame));
    }

    [Fact]
    public void Pure_random_bytes_never_throw()
    {
        var random = new Random(8);
        var bytes = new byte[200_000];
        random.NextBytes(bytes);
        var (_, counters) = Decode(bytes);
        Assert.True(counters.RejectedTotal > 0);
    }
}
