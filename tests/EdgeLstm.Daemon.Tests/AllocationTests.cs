using System.Buffers;
using System.Globalization;
using System.Text;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Decoding;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Processing;
using EdgeLstm.Daemon.Samples;
using EdgeLstm.Daemon.Sinks;
using Xunit.Abstractions;

namespace EdgeLstm.Daemon.Tests;

/// <summary>
/// Zero bytes per sample in steady state through decoder, session, event logic and JSON sink
/// (DESIGN.md section 1): every sample emits a line with all scores, the most work per sample.
/// </summary>
public class AllocationTests(ITestOutputHelper output)
{
    private const int Samples = 240_000;
    private static readonly Lazy<string> LongRecording = new(() =>
    {
        // The shipped recording repeated with a continuing time column: real values, 240,000 samples.
        var rows = File.ReadLines(TestModels.Recording).Skip(1).Select(l => l[(l.IndexOf(',', StringComparison.Ordinal) + 1)..]).ToArray();
        var text = new StringBuilder("time,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z,label\n");
        for (int i = 0; i < Samples; i++) text.Append((i * 0.02).ToString("F2", CultureInfo.InvariantCulture)).Append(',').Append(rows[i % rows.Length]).Append('\n');
        return PipelineHarness.TempFile("long.csv", text.ToString());
    });

    private static readonly EventSettings EverySample = new() { Emit = EmitMode.Hop, Hop = 1 };

    [Fact]
    public async Task The_whole_pipeline_allocates_nothing_per_sample_over_100000_samples_from_a_file()
    {
        var plan = PipelineHarness.Plan(TestModels.Streaming, EverySample);
        var pipeline = new Pipeline(new PipelineOptions { Scores = true }, [PipelineHarness.File(LongRecording.Value, 6)],
            [new StreamSink("null", Stream.Null, ownsStream: false)], (_, _) => plan, _ => { });
        pipeline.Start();
        WaitFor(pipeline, 40_000);
        long stageBefore = pipeline.Counters.StageAllocatedBytes, pool = pipeline.PoolAllocations;
        long processBefore = GC.GetTotalAllocatedBytes(precise: true);
        long from = pipeline.Counters.Classified;
        WaitFor(pipeline, 200_000);
        long processAfter = GC.GetTotalAllocatedBytes(precise: true);
        long stageAfter = pipeline.Counters.StageAllocatedBytes;
        long to = pipeline.Counters.Classified;
        await pipeline.Completion.WaitAsync(TimeSpan.FromMinutes(2));
        // The process-wide figure includes the runtime's own housekeeping on other threads (thread-pool
        // growth, timers): reported, not asserted. The stages' own threads' counters must not move.
        output.WriteLine($"stages: {stageAfter - stageBefore} bytes, process: {processAfter - processBefore} bytes over {to - from} samples; batches allocated by pools in the window: {pipeline.PoolAllocations - pool}");
        Assert.True(to - from >= 100_000);
        Assert.Equal(Samples, pipeline.Counters.Written);
        Assert.Equal(0, stageAfter - stageBefore);
    }

    /// <summary>
    /// The MQTT sink's thread allocates nothing per message either (pooled messages, topics and
    /// event payloads made once), publishing every sample's line to a real mosquitto with Home
    /// Assistant discovery on; the pool stops growing once warm. MQTTnet's sender task allocates
    /// its packets on its own thread, outside the stages: reported by the process figure.
    /// </summary>
    [Fact]
    public async Task The_mqtt_sink_allocates_nothing_per_message()
    {
        using var broker = new Mqtt.MosquittoBroker();
        var options = new Daemon.Mqtt.MqttOptions { Port = broker.Port, Device = "alloc", HomeAssistantDiscovery = true, QueueCapacity = 500 };
        using var sink = new MqttSink(options, "hapt", _ => { });
        var plan = PipelineHarness.Plan(TestModels.Streaming, EverySample);
        var pipeline = new Pipeline(new PipelineOptions { Scores = true }, [PipelineHarness.File(LongRecording.Value, 6)], [sink], (_, _) => plan, _ => { });
        pipeline.Start();
        WaitFor(pipeline, 40_000);
        long created = sink.Publisher.MessagesCreated;
        long from = pipeline.Counters.Classified;
        // The least of three spans of 50,000 samples: an allocation per message shows in every span; a
        // rare one under load does not (seen once in a full run: 5,680 bytes in 160,000 samples, not
        // reproduced alone; the likeliest source is the thread pool growing its queue when the sink's
        // write wakes the sender, on the sink's thread).
        long least = long.MaxValue;
        for (int span = 1; span <= 3; span++)
        {
            long before = pipeline.Counters.StageAllocatedBytes;
            WaitFor(pipeline, 40_000 + span * 50_000);
            long bytes = pipeline.Counters.StageAllocatedBytes - before;
            output.WriteLine($"span {span}: {bytes} bytes");
            least = Math.Min(least, bytes);
        }
        long to = pipeline.Counters.Classified;
        await pipeline.Completion.WaitAsync(TimeSpan.FromMinutes(2));
        var link = sink.Link;
        output.WriteLine($"stages: least {least} bytes per span over {to - from} samples; messages made by the pool: {created} warm, {sink.Publisher.MessagesCreated} at the end; " +
                         $"published {link.Published}, dropped (queue full) {link.Dropped}");
        Assert.True(to - from >= 100_000);
        // More published than the pool ever made: sent messages were reused (the file is read at full
        // speed, so most samples find the queue full: that path is measured too).
        Assert.True(link.Published > options.QueueCapacity + 2, $"only {link.Published} published");
        Assert.Equal(0, least);
        Assert.True(sink.Publisher.MessagesCreated <= options.QueueCapacity + 2, $"{sink.Publisher.MessagesCreated} messages made for a queue of {options.QueueCapacity}");
    }

    private static void WaitFor(Pipeline pipeline, long classified)
    {
        var deadline = Environment.TickCount64 + 120_000;
        while (pipeline.Counters.Classified < classified && Environment.TickCount64 < deadline) Thread.Sleep(1);
    }

    [Fact]
    public void Decoder_classifier_and_formatter_allocate_nothing_on_one_thread()
    {
        var bytes = File.ReadAllBytes(LongRecording.Value);
        var counters = new PipelineCounters();
        var stream = new StreamRegistry().GetOrAdd("s", "s", recording: true);
        var decoder = new TextLineDecoder(new DecoderOptions { Counters = counters, RecordingTime = true }, stream);
        var classifier = new StreamClassifier(stream, PipelineHarness.Plan(TestModels.Streaming, EverySample), counters, _ => { });
        var batch = new SampleBatch(64);
        var events = new ClassificationBatch(64);
        var formatter = new JsonLineFormatter(scores: true);
        var lineEnds = new int[64];
        var sink = new StreamSink("null", Stream.Null, ownsStream: false);
        long bytesWritten = 0;
        int offset = 0;
        long measuredFrom = 0, before = 0;
        while (offset < bytes.Length)
        {
            if (measuredFrom == 0 && counters.Decoded >= 40_000)
            {
                measuredFrom = counters.Decoded;
                before = GC.GetAllocatedBytesForCurrentThread();
            }
            var input = new ReadOnlySequence<byte>(bytes, offset, Math.Min(4096, bytes.Length - offset));
            var consumed = decoder.Decode(input, batch, int.MaxValue, offset + 4096 >= bytes.Length, Arrival.Now());
            offset += (int)input.Slice(0, consumed).Length;
            for (int i = 0; i < batch.Count; i++) classifier.Process(batch, i, events);
            batch.Clear();
            var lines = formatter.Format(events, lineEnds);
            sink.Write(new OutputBlock(lines.Span, lineEnds.AsSpan(0, events.Count), events));
            bytesWritten += lines.Length;
            events.Clear();
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{allocated} bytes over {counters.Decoded - measuredFrom} samples, {bytesWritten} bytes of JSON");
        Assert.Equal(Samples, counters.Decoded);
        Assert.Equal(0, allocated);
    }
}
