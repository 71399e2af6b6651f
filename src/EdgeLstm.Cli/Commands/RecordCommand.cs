using System.CommandLine;
using System.Diagnostics;
using EdgeLstm.Cli.Capture;
using EdgeLstm.Daemon.Configuration;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Service;
using EdgeLstm.Daemon.Sinks;
using EdgeLstm.Daemon.Sources;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `edgelstm record SOURCE -o FILE` (or `--config FILE [--source NAME]`): captures a live stream
/// through the daemon's own source, decoder and channel map into a recording (DESIGN.md section 5)
/// holding exactly the inputs `run` gives the model, so `edgelstm replay FILE` classifies it as the
/// live run did. Labels: `--label NAME` for the whole capture, and segments marked live with keys
/// on the controlling terminal (`--labels a,b,c`: keys 1..9 start a segment, 0 or space stop it).
/// Ends at end of input, at --samples or --duration, or on SIGINT/SIGTERM; in every case every
/// sample already accepted is written.
/// </summary>
public static class RecordCommand
{
    public static Command Create()
    {
        var source = new Argument<string?>("SOURCE") { Description = $"The live source: {SourceSpec.Forms}", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<FileInfo>("--output", "-o") { Description = "The recording to write (CSV: time, the model's channels, label)", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite the output file if it exists" };
        var config = new Option<FileInfo?>("--config", "-c") { Description = "Take the source, channel scaling, model and event settings from a run configuration" };
        var sourceName = new Option<string?>("--source") { Description = "With --config: the name of the source to record (default: its only source)" };
        var format = new Option<string>("--format") { Description = "Wire format of SOURCE: text or binary (docs/protocol.md)", DefaultValueFactory = _ => "text" }.AcceptOnlyFromAmong("text", "binary");
        var baud = new Option<int>("--baud") { Description = "Serial SOURCE: baud rate", DefaultValueFactory = _ => 115200 };
        var model = CommonOptions.Model();
        var engine = CommonOptions.Engine();
        var label = new Option<string?>("--label") { Description = "Label every sample of the capture (outside live segments) with NAME" };
        var labels = new Option<string?>("--labels") { Description = "Live labelling from the terminal: comma-separated names; key N starts a segment of the Nth, 0 or space ends it" };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds" };
        var samples = new Option<long?>("--samples") { Description = "Stop after this many samples are recorded" };
        var classify = new Option<bool>("--classify") { Description = "Print the live classifications as JSON lines on stdout (as `run` does)" };
        var scores = new Option<bool>("--scores") { Description = "With --classify: every label's probability on each line" };
        var summary = new Option<bool>("--summary") { Description = "At exit, print a JSON object of all counters (as `run --summary`)" };
        var command = new Command("record", "Capture a live stream (serial, TCP, UDP, stdin) to a recording that replay and train read")
        {
            source, output, force, config, sourceName, format, baud, model, engine, label, labels, duration, samples, classify, scores, summary,
        };
        command.SetAction(p => CommandGuard.Run(() =>
        {
            var request = new Request(p.GetValue(source), p.GetValue(output)!, p.GetValue(force), p.GetValue(config), p.GetValue(sourceName),
                p.GetValue(format)!, p.GetValue(baud), p.GetValue(model), p.GetValue(engine)!, p.GetValue(label), p.GetValue(labels),
                p.GetValue(duration), p.GetValue(samples), p.GetValue(classify), p.GetValue(scores), p.GetValue(summary));
            return Run(request);
        }));
        return command;
    }

    private sealed record Request(string? Source, FileInfo Output, bool Force, FileInfo? Config, string? SourceName, string Format, int Baud,
                                  FileInfo? Model, string Engine, string? Label, string? Labels, double? Duration, long? Samples,
                                  bool Classify, bool Scores, bool Summary);

    private static int Run(Request r)
    {
        ValidateLabel(r.Label, "--label");
        string[] liveLabels = r.Labels is null ? [] : r.Labels.Split(',', StringSplitOptions.TrimEntries);
        if (r.Labels is not null && (liveLabels.Length is 0 or > 9 || liveLabels.Any(l => l.Length == 0)))
            throw new UsageException("--labels takes 1 to 9 comma-separated names (keys 1..9)");
        foreach (var l in liveLabels) ValidateLabel(l, "--labels");
        if (r.Duration is { } d && !(d > 0 && double.IsFinite(d))) throw new UsageException("--duration must be a positive number of seconds");
        if (r.Samples is <= 0) throw new UsageException("--samples must be at least 1");
        if (r.Output.Exists && !r.Force) throw new UsageException($"'{r.Output.FullName}' exists; pass --force to overwrite it");
        if (r.Scores && !r.Classify) throw new UsageException("--scores needs --classify");

        var (daemonConfig, baseDirectory) = Configure(r);
        var writerLog = PipelineRunner.Log;
        var timeline = liveLabels.Length > 0 ? new LabelTimeline() : null;
        Pipeline pipeline;
        RecordingWriter writer;
        FileStream file;
        try
        {
            // Validated completely before the output file is created.
            var tap = new DeferredTap();
            pipeline = PipelineFactory.Build(daemonConfig, path => ModelSource.Load(path is null ? null : new FileInfo(baseDirectory is null ? path : Path.Combine(baseDirectory, path))),
                PipelineRunner.Log, baseDirectory, tap, r.Classify ? [StreamSink.StandardOutput(PipelineRunner.Log)] : []);
            // A capture needs its device now (no waiting for it, unlike `run`) and its port: checked before the file exists.
            var missing = DeviceCheck.Errors(daemonConfig, sinks: false).Concat(DeviceCheck.Warnings(daemonConfig, sinks: false)).FirstOrDefault();
            if (missing is not null) throw new UsageException(missing);
            SourceBinding.BindAll(pipeline.Sources);
            file = new FileStream(r.Output.FullName, r.Force ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            writer = new RecordingWriter(file, r.Label, r.Samples ?? 0, timeline, writerLog);
            tap.Target = writer;
        }
        catch (ConfigException e)
        {
            throw new UsageException(r.Config is null ? e.Message : $"{r.Config.Name}: {e.Message}");
        }

        TerminalKeys? keys = null;
        try
        {
            if (timeline is not null) keys = StartKeys(liveLabels, timeline, writer);
            return Capture(pipeline, writer, r);
        }
        finally
        {
            writer.Dispose();
            keys?.Dispose();
        }
    }

    /// <summary>The configuration `run` would read for this capture: the given file's, or one made from SOURCE and the options.</summary>
    private static (DaemonConfig Config, string? BaseDirectory) Configure(Request r)
    {
        DaemonConfig config;
        string? baseDirectory = null;
        if (r.Config is not null)
        {
            if (r.Source is not null) throw new UsageException("give SOURCE or --config, not both");
            if (r.Model is not null) throw new UsageException("--model: with --config the configuration names the models");
            try { config = ConfigReader.Read(r.Config.FullName); }
            catch (ConfigException e) { throw new UsageException($"{r.Config.Name}: {e.Message}"); }
            baseDirectory = r.Config.DirectoryName;
            var chosen = r.SourceName is null
                ? config.Sources.Count == 1 ? config.Sources[0] : throw new UsageException($"{r.Config.Name} has {config.Sources.Count} sources; name one with --source NAME")
                : config.Sources.FirstOrDefault(s => s.Name == r.SourceName) ?? throw new UsageException($"{r.Config.Name} has no source named '{r.SourceName}'");
            config.Sources = [chosen];
        }
        else
        {
            if (r.Source is null) throw new UsageException($"give SOURCE ({SourceSpec.Forms}) or --config FILE");
            if (r.SourceName is not null) throw new UsageException("--source names a source of --config");
            string name = r.Output.Name;
            config = new DaemonConfig
            {
                Models = { ["default"] = new ModelEntry { Path = r.Model?.FullName, Engine = r.Engine } },
                Sources = [SourceSpec.Parse(r.Source, name, r.Format, r.Baud)],
            };
        }
        if (config.Sources[0].Type == "file") throw new UsageException("record captures live sources (serial, tcp, udp, stdin); a file is a recording already (edgelstm replay reads it)");
        // A capture keeps what it can: the source waits for the recorder instead of dropping.
        config.Pipeline.InputFullMode = "wait";
        return (config, baseDirectory);
    }

    private static void ValidateLabel(string? label, string option)
    {
        if (label is null) return;
        // Printable ASCII: the recording format is ASCII text, and replay and train refuse other bytes on a line.
        if (label.Trim().Length == 0 || label.IndexOfAny([',', '\n', '\r', '"']) >= 0 || label.Trim() != label || !label.All(c => c is >= ' ' and < (char)0x7F))
            throw new UsageException($"{option}: label '{label}' must be non-empty printable ASCII, without commas, quotes, line breaks or surrounding spaces");
    }

    private static TerminalKeys? StartKeys(string[] labels, LabelTimeline timeline, RecordingWriter writer)
    {
        var keys = TerminalKeys.Open(out string? reason);
        if (keys is null)
        {
            PipelineRunner.Log($"{reason}: no live labelling (--labels ignored)");
            return null;
        }
        PipelineRunner.Log($"live labelling: {string.Join(", ", labels.Select((l, i) => $"{i + 1} {l}"))}; 0 or space ends a segment; Ctrl-C ends the capture");
        string? current = null;
        keys.Start(key =>
        {
            if (key is >= '1' and <= '9' && key - '1' < labels.Length)
            {
                string next = labels[key - '1'];
                timeline.Mark(next);
                PipelineRunner.Log(current is null
                    ? $"segment '{next}' started ({writer.Written} samples so far)"
                    : $"segment '{current}' ended, segment '{next}' started ({writer.Written} samples so far)");
                current = next;
            }
            else if (key is '0' or ' ')
            {
                if (current is null) return;
                timeline.Mark(null);
                PipelineRunner.Log($"segment '{current}' ended ({writer.Written} samples so far)");
                current = null;
            }
            else if (key is >= '1' and <= '9') PipelineRunner.Log($"key {key}: no label (--labels names {labels.Length})");
        });
        return keys;
    }

    private static int Capture(Pipeline pipeline, RecordingWriter writer, Request r)
    {
        using var signal = new StopSignal();
        var clock = Stopwatch.StartNew();
        pipeline.Start();
        using var supervisor = new PipelineSupervisor(pipeline, new ServiceNotifier());
        var ends = new List<Task> { pipeline.Completion, signal.Task, writer.LimitReached };
        if (r.Duration is { } seconds) ends.Add(Task.Delay(TimeSpan.FromSeconds(seconds)));
        int finished = Task.WaitAny([.. ends]);
        supervisor.Stopping();
        if (finished == 0) pipeline.Completion.GetAwaiter().GetResult();
        else
        {
            string why = finished switch { 1 => signal.Task.Result.ToString(), 2 => $"{r.Samples} samples recorded", _ => $"{r.Duration} s elapsed" };
            PipelineRunner.Log($"{why}: finishing the recording");
            pipeline.StopAsync().GetAwaiter().GetResult();
        }
        double elapsed = clock.Elapsed.TotalSeconds;
        writer.Dispose();
        Report(pipeline, writer, r.Output);
        if (r.Summary) Json.WriteLine(w => PipelineReport.WriteSummary(w, pipeline, elapsed));
        return ExitCodes.Success;
    }

    private static void Report(Pipeline pipeline, RecordingWriter writer, FileInfo output)
    {
        var perLabel = writer.PerLabel.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{(kv.Key.Length == 0 ? "unlabelled" : kv.Key)} {kv.Value}");
        var c = pipeline.Counters;
        PipelineRunner.Log($"recorded {writer.Written} samples to {output.FullName} ({string.Join(", ", perLabel)}); " +
                           $"rejected {c.RejectedTotal}, garbage bytes skipped {c.SkippedBytes}");
        if (writer.Written == 0) PipelineRunner.Log("no samples arrived: the file is empty");
        if (c.GapResets > 0)
            PipelineRunner.Log($"{c.GapResets} gaps in frame sequence numbers: the live run resets its state there, a replay of the recording does not");
        if (c.Dropped > 0) PipelineRunner.Log($"{c.Dropped} samples dropped (see --summary)");
    }

    /// <summary>The tap handed to the factory before the output file exists (the file is created only after validation).</summary>
    private sealed class DeferredTap : Daemon.Processing.ISampleTap
    {
        public RecordingWriter? Target { get; set; }

        public bool Sample(Daemon.Processing.StreamClassifier classifier, long t, ReadOnlySpan<float> input, Daemon.Samples.SampleBatch batch, int index) =>
            Target!.Sample(classifier, t, input, batch, index);
    }
}
