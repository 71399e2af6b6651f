using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeLstm.Core;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Decoding;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Processing;
using EdgeLstm.Daemon.Sources;

namespace EdgeLstm.Daemon.Tests;

public class PipelineTests
{
    /// <summary>
    /// The reference: the recording parsed with string.Split, the integer session stepped per
    /// sample, a label emitted whenever the arg-max changes. The pipeline must print exactly these.
    /// </summary>
    private static List<(long T, string Label, float Score)> Reference(string csv, int take)
    {
        var model = TestModels.Streaming;
        var session = model.CreateIntegerSession();
        var probabilities = new float[model.OutputSize];
        var result = new List<(long, string, float)>();
        int current = -1;
        long t = 0;
        foreach (var line in File.ReadLines(csv).Skip(1).Take(take))
        {
            var f = line.Split(',');
            session.Step(f[1..7].Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray());
            session.GetProbabilities(probabilities);
            int best = ArgMax.Of(probabilities);
            if (best != current) result.Add((t, TestModels.Labels[best], probabilities[best]));
            current = best;
            t++;
        }
        return result;
    }

    private static List<(long T, string Label, float Score)> Parse(string[] lines) => lines.Select(l =>
    {
        using var doc = JsonDocument.Parse(l);
        var r = doc.RootElement;
        return (r.GetProperty("t").GetInt64(), r.GetProperty("label").GetString()!, r.GetProperty("score").GetSingle());
    }).ToList();

    /// <summary>Issue 15, item 7: a relative recording time is printed as seconds (`time_s`), an absolute one (Unix seconds) as ISO-8601 `time`.</summary>
    [Theory]
    [InlineData(12.5, "\"time_s\":12.5,")]
    [InlineData(1_700_000_000.25, "\"time\":\"2023-11-14T22:13:20.25Z\",")]
    public async Task Recording_times_are_printed_as_seconds_when_relative_and_as_dates_when_absolute(double start, string expected)
    {
        var rows = File.ReadLines(TestModels.Recording).Skip(1).Take(20).Select((l, i) =>
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{start + i * 0.02},{string.Join(',', l.Split(',')[1..7])}"));
        string path = PipelineHarness.TempFile("timed.csv", "time,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z\n" + string.Join('\n', rows) + "\n");
        var plan = PipelineHarness.Plan(TestModels.Streaming, new EventSettings { Emit = EmitMode.Hop, Hop = 1 });
        var (pipeline, output) = PipelineHarness.Create(plan, [PipelineHarness.File(path, 6)]);
        pipeline.Start();
        await pipeline.Completion.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Contains(expected, PipelineHarness.Lines(output)[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_of_the_shipped_recording_equals_the_reference_loop_and_scores_accuracy()
    {
        var (pipeline, output) = PipelineHarness.Create(PipelineHarness.Plan(TestModels.Streaming), [PipelineHarness.File(TestModels.Recording, 6)]);
        pipeline.Start();
        await pipeline.Completion.WaitAsync(TimeSpan.FromMinutes(2));
        var lines = PipelineHarness.Lines(output);
        Assert.Equal(Reference(TestModels.Recording, int.MaxValue), Parse(lines));
        Assert.Equal(18026, pipeline.Counters.Classified);
        Assert.Equal(lines.Length, pipeline.Counters.Written);
        Assert.StartsWith("{\"stream\":\"hapt-exp03-user02.csv\",\"t\":0,\"time_s\":0,\"label\":", lines[0], StringComparison.Ordinal);
        var c = Assert.Single(pipeline.Classifiers);
        // Labelled with one of the six classes: the recording's six activities, not its transitions or blanks.
        int scorable = File.ReadLines(TestModels.Recording).Skip(1).Count(l => TestModels.Labels.Contains(l.Split(',')[7]));
        Assert.Equal(scorable, c.Scored);
        Assert.InRange(c.Correct, 0, c.Scored);
    }

    [Fact]
    public async Task Bad_input_interleaved_with_the_recording_leaves_every_valid_sample_classified_as_without_it()
    {
        var lines = File.ReadLines(TestModels.Recording).Take(2001).ToArray();
        var random = new Random(4);
        var text = new StringBuilder(lines[0]).Append('\n');
        for (int i = 1; i < lines.Length; i++)
        {
            text.Append(lines[i]).Append('\n');
            if (i % 50 == 0)
            {
                var garbage = new byte[random.Next(10, 300)];
                random.NextBytes(garbage);
                text.Append(Encoding.Latin1.GetString(garbage)).Append('\n');
                text.Append("0.1,0.2,0.3\n").Append("1,2,3,4,5,6,7,x,9\n").Append("0,NaN,1,2,3,4,5,\n").Append(new string('9', 5000)).Append('\n');
            }
        }
        string path = PipelineHarness.TempFile("noisy.csv", text.ToString());
        var (pipeline, output) = PipelineHarness.Create(PipelineHarness.Plan(TestModels.Streaming), [PipelineHarness.File(path, 6)]);
        pipeline.Start();
        await pipeline.Completion.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(2000, pipeline.Counters.Classified);
        Assert.Equal(Reference(TestModels.Recording, 2000), Parse(PipelineHarness.Lines(output)));
        Assert.Equal(40, pipeline.Counters.RejectedBy(RejectReason.LineTooLong));
        Assert.Equal(40, pipeline.Counters.RejectedBy(RejectReason.NonFinite));
        Assert.True(pipeline.Counters.RejectedBy(RejectReason.WrongFieldCount) >= 80);
        Assert.True(pipeline.Counters.RejectedBy(RejectReason.BinaryOnText) > 0);
    }

    [Fact]
    public async Task Binary_frames_of_many_streams_get_a_session_each_and_sequence_gaps_reset()
    {
        var model = TestModels.Streaming;
        var rows = File.ReadLines(TestModels.Recording).Skip(1).Take(600).Select(l => l.Split(',')[1..7].Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var bytes = new List<byte>();
        var frame = new byte[BinaryFrame.MaxSize];
        for (int i = 0; i < rows.Length; i += 4)
            for (ushort id = 0; id < 3; id++)
            {
                uint seq = (uint)i + (id == 2 && i >= 300 ? 1000u : 0u); // stream 2 jumps once
                int n = BinaryFrame.Write(frame, SampleFormat.Float32, id, seq, 0, 0, 6, rows[i..(i + 4)].SelectMany(r => r).ToArray());
                bytes.AddRange(frame[..n]);
            }
        string path = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-frames").FullName, "three.bin");
        File.WriteAllBytes(path, [.. bytes]);
        var (pipeline, output) = PipelineHarness.Create(PipelineHarness.Plan(model), [PipelineHarness.File(path, 6, InputFormat.Binary, "net")]);
        pipeline.Start();
        await pipeline.Completion.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(3, pipeline.Counters.StreamSessions);
        Assert.Equal(1800, pipeline.Counters.Classified);
        Assert.Equal(1, Volatile.Read(ref pipeline.Counters.ResetsGap));
        var byStream = Parse(PipelineHarness.Lines(output).Where(l => l.Contains("\"net/0\"", StringComparison.Ordinal)).ToArray());
        // Float32 frames carry the CSV's floats exactly: stream 0 equals the text reference.
        Assert.Equal(Reference(TestModels.Recording, 600), byStream);
    }

    [Fact]
    public async Task Windowed_models_decide_once_per_hop_over_the_last_window()
    {
        var model = TestModels.Create(new Core.Model.NetworkShape("win", 6, [("gru", 16)], 6), 9);
        model.Metadata.Mode = Core.Model.ClassificationMode.Windowed;
        model.Metadata.Window = 32;
        model.Metadata.Hop = 16;
        var events = new EventSettings { Emit = EmitMode.Hop, Hop = 1 };
        var (pipeline, output) = PipelineHarness.Create(PipelineHarness.Plan(model, events), [PipelineHarness.File(TestModels.Recording, 6)]);
        pipeline.Start();
        await pipeline.Completion.WaitAsync(TimeSpan.FromMinutes(2));
        var got = Parse(PipelineHarness.Lines(output));
        // Decisions at t = 31, 47, 63, ...: reference = reset, run the window, arg-max.
        var rows = File.ReadLines(TestModels.Recording).Skip(1).Select(l => l.Split(',')[1..7].Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var session = model.CreateIntegerSession();
        var p = new float[6];
        var expected = new List<(long, string, float)>();
        for (int end = 31; end < rows.Length; end += 16)
        {
            session.Reset();
            for (int k = end - 31; k <= end; k++) session.Step(rows[k]);
            session.GetProbabilities(p);
            int best = ArgMax.Of(p);
            expected.Add((end, TestModels.Labels[best], p[best]));
        }
        Assert.Equal(expected, got);
    }

    [Fact]
    public async Task Several_models_at_once_chosen_per_stream()
    {
        var other = TestModels.Create(new Core.Model.NetworkShape("other", 6, [("gru", 8)], 3), 2);
        var plans = new Dictionary<string, StreamPlan>
        {
            ["a.csv"] = PipelineHarness.Plan(TestModels.Streaming),
            ["b.csv"] = PipelineHarness.Plan(other),
        };
        var output = new MemoryStream();
        var pipeline = new Pipeline(new PipelineOptions(), [PipelineHarness.File(TestModels.Recording, 6, name: "a.csv"), PipelineHarness.File(TestModels.Recording, 6, name: "b.csv")],
            [new Sinks.StreamSink("m", output, false)], (_, stream) => plans[stream], _ => { });
        pipeline.Start();
        await pipeline.Completion.WaitAsync(TimeSpan.FromMinutes(2));
        var models = pipeline.Classifiers.ToDictionary(c => c.Stream.Name, c => c.ModelName);
        Assert.Equal("test-S", models["a.csv"]);
        Assert.Equal("other", models["b.csv"]);
        Assert.Equal(2 * 18026, pipeline.Counters.Classified);
    }
}
