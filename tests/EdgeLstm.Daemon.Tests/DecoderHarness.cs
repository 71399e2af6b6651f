using System.Buffers;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Decoding;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Tests;

/// <summary>Feeds bytes to a decoder in chunks of varying size, the way a pump does, and collects the samples.</summary>
internal static class DecoderHarness
{
    public sealed record Decoded(float[] Values, long Sequence, double Seconds, int Label, StreamHandle Stream, ColumnLayout Layout);

    public static List<Decoded> Run(ISampleDecoder decoder, byte[] data, int seed, int maxChunk = 300)
    {
        var random = new Random(seed);
        var result = new List<Decoded>();
        var batch = new SampleBatch(16);
        var buffer = new List<byte>();
        int offset = 0;
        while (true)
        {
            int n = Math.Min(random.Next(1, maxChunk), data.Length - offset);
            buffer.AddRange(data.AsSpan(offset, n).ToArray());
            offset += n;
            bool final = offset == data.Length;
            while (true)
            {
                // Two segments when possible, to exercise the multi-segment paths.
                var sequence = Segments(buffer.ToArray(), random);
                var consumed = decoder.Decode(sequence, batch, int.MaxValue, final, Arrival.Now());
                int used = (int)sequence.Slice(0, consumed).Length;
                buffer.RemoveRange(0, used);
                for (int i = 0; i < batch.Count; i++)
                    result.Add(new Decoded(batch.Row(i)[..batch.Layout[i].DataColumns].ToArray(), batch.Sequence[i], batch.RecordingSeconds[i], batch.Label[i], batch.Stream[i], batch.Layout[i]));
                bool wasFull = batch.IsFull;
                batch.Clear();
                if (!wasFull) break;
            }
            if (final) return result;
        }
    }

    private static ReadOnlySequence<byte> Segments(byte[] bytes, Random random)
    {
        if (bytes.Length < 2) return new ReadOnlySequence<byte>(bytes);
        int cut = random.Next(1, bytes.Length);
        var first = new Segment(bytes.AsMemory(0, cut), 0);
        var second = first.Append(bytes.AsMemory(cut));
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    public static DecoderOptions Options(PipelineCounters counters, int positional = 0, int maxLine = 256) =>
        new() { Counters = counters, PositionalColumns = positional, MaxLineLength = maxLine, RecordingTime = true };
}
