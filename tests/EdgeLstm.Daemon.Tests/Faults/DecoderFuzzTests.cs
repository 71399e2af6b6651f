using System.Globalization;
using System.Text;
using CsCheck;
using EdgeLstm.Daemon.Decoding;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Samples;
using EdgeLstm.Daemon.Sources;

namespace EdgeLstm.Daemon.Tests.Faults;

/// <summary>
/// Property-based fuzzing (CsCheck) of both decoders behind the real <see cref="BytePump"/>: a
/// stream of valid records, garbage and banners, cut into random reads, some of its bytes
/// overwritten, through batches of random size, with or without a partition that leaves some of its
/// streams to another gateway. Whatever the case: nothing throws, every byte is decoded, rejected,
/// garbage or another partition's, every decoded sample reaches the input stage, and every valid
/// record that no corruption touched is decoded or set aside as another partition's (and no more
/// samples than the stream holds).
/// </summary>
public class DecoderFuzzTests
{
    /// <summary>Valid records, noise, lines of words, and a record cut short (a sensor reset in the middle of a frame or line).</summary>
    private enum Kind { Valid, Garbage, Words, Cut }

    private sealed record Record(Kind Kind, int Value, byte[] Garbage);

    /// <param name="Partition">0: one gateway takes every stream; 1 or 2: this is gateway Partition - 1 of 2.</param>
    private sealed record Case(bool Binary, Record[] Records, (int At, byte Value)[] Corruptions, int[] Reads, int BatchSize, bool Int16, int Partition)
    {
        public StreamPartition Partitioning => Partition == 0 ? StreamPartition.Whole : new StreamPartition(2, Partition - 1);

        public override string ToString() =>
            $"{(Binary ? Int16 ? "frames int16" : "frames float32" : "text")}, partition {Partitioning.Index} of {Partitioning.Count}, {Records.Length} records ({string.Join(' ', Records.Select(r => r.Kind == Kind.Valid ? r.Value.ToString(CultureInfo.InvariantCulture) : r.Kind == Kind.Words ? "w" : r.Kind == Kind.Cut ? "cut" : $"g{r.Garbage.Length}"))}), " +
               $"corrupt at {string.Join(',', Corruptions.Select(c => c.At))}, batch {BatchSize}";
    }

    private static readonly string[] Banners = ["IMU ready", "hello", "MPU6050 found at 0x68", "calibrating... done", "a b c d e f", "acc_x acc_y", "NaN,NaN,NaN,NaN,NaN,NaN"];

    private static readonly Gen<Record> Records = Gen.Frequency(
        (8, Gen.Int[1, BinaryFrame.MaxSamples].Select(v => new Record(Kind.Valid, v, []))),
        (1, Gen.Byte.Array[1, 150].Select(g => new Record(Kind.Garbage, 0, g))),
        (1, Gen.Int[0, Banners.Length - 1].Select(v => new Record(Kind.Words, v, []))),
        (1, Gen.Int[1, 10_000].Select(v => new Record(Kind.Cut, v, []))));

    private static readonly Gen<Case> Cases =
        from binary in Gen.Bool
        from records in Records.Array[1, 40]
        from corruptions in Gen.Select(Gen.Int[0, 100_000], Gen.Byte).Array[0, 4]
        from reads in Gen.Int[1, 700].Array[1, 20]
        from batch in Gen.Int[1, 64]
        from int16 in Gen.Bool
        from partition in Gen.Int[0, 2]
        select new Case(binary, records, corruptions, reads, batch, int16, partition);

    [Fact]
    public void Both_decoders_account_for_every_byte_and_decode_every_untouched_record()
    {
        Cases.Sample(Check, iter: 1500, threads: 1);
    }

    /// <summary>
    /// The case CI's fuzzing found: another gateway's text lines, then a line of words mid-stream,
    /// which the decoder took for a header because it had not marked the foreign lines as data.
    /// </summary>
    [Fact]
    public void Another_gateways_lines_count_as_data_for_the_header_rules()
    {
        Cases.Sample(Check, seed: "7zXS-pzbQgJ1", iter: 1, threads: 1);
    }

    /// <summary>
    /// The case CI's fuzzing found next: the banner `acc_x acc_y`, then garbage with a line of two
    /// numbers, which confirmed the banner as a two-channel header by its width; every six-value
    /// sample after it was refused. A header confirmed by width must hold the channels the stream needs.
    /// </summary>
    [Fact]
    public void A_header_too_narrow_for_the_model_is_not_confirmed_by_a_line_of_its_width()
    {
        Cases.Sample(Check, seed: "69JFfAyzZ_X1", iter: 1, threads: 1);
    }

    /// <summary>The same property without corruption: then every valid sample is decoded, exactly (unless a cut line ran into the next: it may parse or not).</summary>
    [Fact]
    public void A_clean_stream_in_random_reads_and_batches_decodes_to_the_sample()
    {
        Cases.Select(c => c with { Corruptions = [] }).Sample(Check, iter: 500, threads: 1);
    }

    private static void Check(Case c)
    {
        var (bytes, spans) = Build(c);
        var valid = new bool[spans.Count];
        for (int r = 0; r < spans.Count; r++) valid[r] = c.Records[r].Kind == Kind.Valid;
        var touched = new bool[spans.Count];
        // A line cut short runs into the next one: that line is lost with it (a frame cut short is not: the search resumes).
        for (int r = 1; r < spans.Count; r++) touched[r] = !c.Binary && c.Records[r - 1].Kind == Kind.Cut;
        foreach (var (at, value) in c.Corruptions)
        {
            if (bytes.Length == 0) break;
            int i = at % bytes.Length;
            if (bytes[i] == value) continue;
            bytes[i] = value;
            for (int r = 0; r < spans.Count; r++)
            {
                var (start, end) = spans[r];
                // A text line is also touched by a change to the terminator before it (the lines merge).
                if (i >= start && i < end || !c.Binary && i == start - 1) touched[r] = true;
            }
        }
        int samplesOf(int r) => c.Binary ? c.Records[r].Value : 1;
        long untouched = Enumerable.Range(0, spans.Count).Where(r => valid[r] && !touched[r]).Sum(samplesOf);
        // At most: every valid record, and a text line cut short that still parses (the end of input ends its line).
        long all = Enumerable.Range(0, spans.Count).Where(r => valid[r] || !c.Binary && c.Records[r].Kind == Kind.Cut).Sum(samplesOf);

        var (counters, read) = Pump(c, bytes);
        long seen = counters.Decoded + counters.OtherPartitionCount;
        string what = $"{c}: received {counters.Received}, decoded {counters.DecodedBytes}, rejected {counters.RejectedBytes}, garbage {counters.SkippedBytes}, " +
                      $"other partition {counters.OtherPartitionByteCount}, samples {counters.Decoded} + other partition {counters.OtherPartitionCount} (untouched {untouched}, all {all}); rejected " +
                      string.Join(", ", Enumerable.Range(0, Counters.RejectReasons.Count).Where(i => counters.RejectedBy((Counters.RejectReason)i) > 0)
                          .Select(i => $"{Counters.RejectReasons.Names[i]} {counters.RejectedBy((Counters.RejectReason)i)}"));
        Assert.True(counters.Received == bytes.Length, what);
        Assert.True(counters.Received == counters.DecodedBytes + counters.RejectedBytes + counters.SkippedBytes + counters.OtherPartitionByteCount, what);
        Assert.True(counters.Decoded == counters.Accepted && counters.Accepted == read, what);
        // Another gateway's text lines are set aside by their width, their values unread: a line of
        // garbage that happens to have the width counts there, so the upper bound holds for frames (checksummed) and our own lines.
        bool foreignText = !c.Binary && StreamPartition.Of("fuzz", c.Partitioning.Count) != c.Partitioning.Index;
        Assert.True(seen >= untouched && (seen <= all || foreignText), what);
        if (c.Corruptions.Length == 0 && (c.Binary || c.Records.All(r => r.Kind != Kind.Cut))) Assert.True(seen == all || foreignText && seen > all, what);
    }

    /// <summary>
    /// The clean case CI's fuzzing found: a banner naming two of the model's channels, then a line cut
    /// short by a reset that ran into the next banner and so had two comma fields: it confirmed the
    /// banner as a two-column header and every sample after was refused. A confirming line must be numbers.
    /// </summary>
    [Fact]
    public void A_line_with_the_width_by_accident_does_not_confirm_a_header()
    {
        Cases.Select(c => c with { Corruptions = [] }).Sample(Check, seed: "cQp_BwF5FuE5", iter: 1, threads: 1);
    }

    /// <summary>Runs the real pump over the bytes in the case's reads, into a stage a reader drains.</summary>
    private static (Counters.PipelineCounters Counters, long Read) Pump(Case c, byte[] bytes)
    {
        var counters = new Counters.PipelineCounters();
        var pool = new BatchPool<SampleBatch>(() => new SampleBatch(Math.Max(c.BatchSize, BinaryFrame.MaxSamples)), 8);
        long read = 0;
        var stage = new BoundedStage<SampleBatch>(4, b => b.Count, pool.Return, n => Interlocked.Add(ref counters.SamplesAccepted, n), _ => { }, _ => { });
        var reader = Task.Run(async () =>
        {
            while (await stage.Reader.WaitToReadAsync())
                while (stage.Reader.TryRead(out var b))
                {
                    read += b.Count;
                    pool.Return(b);
                }
        });
        var context = new SourceContext("fuzz", FullMode.Wait, counters, new StreamRegistry(c.Partitioning, _ => { }), pool, stage, _ => { });
        var decoding = new DecoderOptions
        {
            Counters = counters, PositionalColumns = 6, ExpectedNames = TestModels.Channels, Rejections = context.Rejections, MaxLineLength = 256,
        };
        ISampleDecoder decoder = c.Binary
            ? new BinaryFrameDecoder(decoding, id => context.Streams.GetOrAdd($"fuzz/{id}", "fuzz", false))
            : new TextLineDecoder(decoding, context.Streams.GetOrAdd("fuzz", "fuzz", false));
        new BytePump().RunAsync(new ReadsInput(bytes, c.Reads), decoder, context, neverDrop: true, null, CancellationToken.None).GetAwaiter().GetResult();
        stage.Complete();
        reader.GetAwaiter().GetResult();
        return (counters, read);
    }

    private static (byte[] Bytes, List<(int Start, int End)> Spans) Build(Case c)
    {
        var bytes = new List<byte>();
        var spans = new List<(int, int)>();
        var frame = new byte[BinaryFrame.MaxSize];
        uint sequence = 0;
        for (int r = 0; r < c.Records.Length; r++)
        {
            var record = c.Records[r];
            int start = bytes.Count;
            switch (record.Kind)
            {
                case Kind.Cut when c.Binary:
                    int full = BinaryFrame.Write(frame, SampleFormat.Float32, 0, 0, 0, 0, 6, new float[6 * (1 + record.Value % BinaryFrame.MaxSamples)]);
                    bytes.AddRange(frame.AsSpan(0, 1 + record.Value % (full - 1)).ToArray());
                    break;
                case Kind.Cut:
                    var row = FaultScenario.Recording[record.Value % FaultScenario.Recording.Length];
                    bytes.AddRange(Encoding.ASCII.GetBytes(row[..(1 + record.Value % (row.Length - 1))]));
                    break;
                case Kind.Valid when c.Binary:
                    var values = new float[record.Value * 6];
                    for (int k = 0; k < values.Length; k++) values[k] = (r * 31 + k) % 200 - 100;
                    int n = BinaryFrame.Write(frame, c.Int16 ? SampleFormat.Int16 : SampleFormat.Float32, (ushort)(r % 3), sequence, 0, 0, 6, values);
                    sequence += (uint)record.Value;
                    bytes.AddRange(frame.AsSpan(0, n).ToArray());
                    break;
                case Kind.Valid:
                    bytes.AddRange(Encoding.ASCII.GetBytes(FaultScenario.Recording[(r * 7 + record.Value) % FaultScenario.Recording.Length] + (record.Value % 5 == 0 ? "," : "") + "\n"));
                    break;
                case Kind.Words:
                    bytes.AddRange(Encoding.ASCII.GetBytes(Banners[record.Value] + "\n"));
                    break;
                default:
                    // Text garbage is one line of noise (its own terminator); frame garbage is any bytes at all.
                    bytes.AddRange(c.Binary ? record.Garbage : [.. record.Garbage.Select(b => b == (byte)'\n' ? (byte)'~' : b), (byte)'\n']);
                    break;
            }
            spans.Add((start, bytes.Count));
        }
        return ([.. bytes], spans);
    }

    /// <summary>The bytes in reads of the case's sizes (cycling), then the end of input.</summary>
    private sealed class ReadsInput(byte[] bytes, int[] reads) : IByteInput
    {
        private int _offset, _read;

        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            int n = Math.Min(Math.Min(reads[_read++ % reads.Length], bytes.Length - _offset), buffer.Length);
            bytes.AsSpan(_offset, n).CopyTo(buffer.Span);
            _offset += n;
            return new ValueTask<int>(n);
        }
    }
}
