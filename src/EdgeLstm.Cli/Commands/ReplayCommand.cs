using System.CommandLine;
using EdgeLstm.Core.Model;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Processing;
using EdgeLstm.Daemon.Sinks;
using EdgeLstm.Daemon.Sources;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `edgelstm replay FILE...`: recordings through the daemon's pipeline (file sources with
/// backpressure, never a drop), paced in real time from the `time` column or the model's sample
/// rate, faster with --speed, or as fast as possible with --max-speed. Prints JSON lines; with
/// --summary a last object of all counters and, for labelled recordings, per-sample accuracy.
/// </summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("FILE") { Description = "Recordings: CSV text (header with channels, optional time and label) or binary frames (.bin); - reads one from standard input", Arity = ArgumentArity.OneOrMore };
        var model = CommonOptions.Model();
        var engine = CommonOptions.Engine();
        var speed = new Option<double?>("--speed") { Description = "Pace at X times real time (default 1)" };
        var maxSpeed = new Option<bool>("--max-speed") { Description = "No pacing: as fast as the pipeline classifies" };
        var summary = new Option<bool>("--summary") { Description = "End with a JSON object of all counters and, for labelled recordings, per-sample accuracy" };
        var scores = new Option<bool>("--scores") { Description = "Add every label's probability (`scores`) to each line" };
        var format = new Option<string>("--format") { Description = "text, binary, or auto (binary for .bin files)", DefaultValueFactory = _ => "auto" }.AcceptOnlyFromAmong("auto", "text", "binary");
        var smoothing = new Option<float>("--smoothing") { Description = "Exponential smoothing of probabilities, 0 (none) to below 1", DefaultValueFactory = _ => 0 };
        var threshold = new Option<float>("--threshold") { Description = "Smoothed probability a label needs to be decided", DefaultValueFactory = _ => 0 };
        var minDuration = new Option<int>("--min-duration") { Description = "Decisions a new label must hold before it is emitted", DefaultValueFactory = _ => 1 };
        var emit = new Option<string>("--emit") { Description = "change: on every label change; hop: every --hop decisions", DefaultValueFactory = _ => "change" }.AcceptOnlyFromAmong("change", "hop");
        var hop = new Option<int>("--hop") { Description = "Decisions between emissions with --emit hop", DefaultValueFactory = _ => 1 };
        var resetEvery = new Option<long>("--reset-every") { Description = "Reset each stream's state every N steps (0: never)", DefaultValueFactory = _ => 0 };
        var command = new Command("replay", "Classify recordings through the daemon's pipeline and print JSON lines")
        {
            files, model, engine, speed, maxSpeed, summary, scores, format, smoothing, threshold, minDuration, emit, hop, resetEvery,
        };
        command.SetAction(p => CommandGuard.Run(() =>
        {
            var events = new EventSettings
            {
                Smoothing = p.GetValue(smoothing), Threshold = p.GetValue(threshold), MinDuration = p.GetValue(minDuration),
                Emit = p.GetValue(emit) == "hop" ? EmitMode.Hop : EmitMode.Change, Hop = p.GetValue(hop),
            };
            return Run(p.GetValue(files)!, p.GetValue(model), CommonOptions.ParseEngine(p.GetValue(engine)!), p.GetValue(speed), p.GetValue(maxSpeed),
                p.GetValue(summary), p.GetValue(scores), p.GetValue(format)!, events, p.GetValue(resetEvery));
        }));
        return command;
    }

    private static int Run(FileInfo[] files, FileInfo? modelPath, EngineKind engine, double? speed, bool maxSpeed, bool summary, bool scores,
                           string format, EventSettings events, long resetEvery)
    {
        if (speed is not null && maxSpeed) throw new UsageException("give --speed or --max-speed, not both");
        if (speed is <= 0 || speed is { } s && !double.IsFinite(s)) throw new UsageException("--speed must be a positive number");
        if (events.Smoothing is < 0 or >= 1) throw new UsageException("--smoothing must be in [0, 1)");
        if (events.Threshold is < 0 or > 1) throw new UsageException("--threshold must be in [0, 1]");
        if (events.MinDuration < 1 || events.Hop < 1) throw new UsageException("--min-duration and --hop must be at least 1");
        if (resetEvery < 0) throw new UsageException("--reset-every must be 0 or positive");
        if (files.Count(f => f.Name == FileSource.StandardInput) > 1) throw new UsageException("'-' (standard input) can be read once");
        foreach (var f in files) if (f.Name != FileSource.StandardInput && !f.Exists) throw new UsageException($"recording '{f.FullName}' not found");

        var model = ModelSource.Load(modelPath);
        if (engine == EngineKind.Integer && model.Integer is null) throw new UsageException("the model has no integer form; run `edgelstm quantize` first or pass --engine float");
        if (engine == EngineKind.Float && model.Float is null) throw new UsageException("the model has no float network (stripped); use --engine int");
        if (model.OutputSize > ClassificationBatch.MaxClasses) throw new UsageException($"the model has {model.OutputSize} classes, at most {ClassificationBatch.MaxClasses} supported");

        var plan = new StreamPlan
        {
            ModelName = model.Metadata.Name, Model = model, Engine = engine, Events = events,
            Reset = new ResetSettings { OnGap = true, EverySteps = resetEvery },
        };
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var sources = new List<Source>();
        foreach (var f in files)
        {
            bool piped = f.Name == FileSource.StandardInput;
            string name = piped ? "stdin" : f.Name;
            names[name] = names.GetValueOrDefault(name) + 1;
            if (names[name] > 1) name = $"{name}#{names[name]}";
            var inputFormat = format == "binary" || format == "auto" && f.Extension.Equals(".bin", StringComparison.OrdinalIgnoreCase) ? InputFormat.Binary : InputFormat.Text;
            sources.Add(new FileSource(name, piped ? FileSource.StandardInput : f.FullName, inputFormat, new DecoderOptionsTemplate(PositionalColumns: model.InputSize, ExpectedNames: [.. model.Metadata.Channels.Select(c => c.Name)]),
                maxSpeed ? null : speed ?? 1, model.Metadata.SampleRateHz));
        }
        var options = new PipelineOptions { Scores = scores, InputFullMode = FullMode.Wait, OutputFullMode = FullMode.Wait };
        var pipeline = new Pipeline(options, sources, [StreamSink.StandardOutput(PipelineRunner.Log)], (_, _) => plan, PipelineRunner.Log);
        return PipelineRunner.Run(pipeline, summary);
    }
}
