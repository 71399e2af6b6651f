using System.CommandLine;
using EdgeLstm.Daemon.Configuration;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `edgelstm run [--config FILE]`, or `edgelstm run SOURCE [--model FILE] [--baud N] [--format F]`
/// to classify one live source (written as for `record`: `-`, `tcp:PORT`, `udp:PORT`,
/// `serial:DEVICE`, `/dev/...`) without a configuration, JSON lines on stdout: the pipeline, in the foreground, until
/// SIGINT or SIGTERM (then drained: every accepted sample classified and written) or until all its
/// sources are finite and ended; SIGHUP reloads models and stream rules. The configuration is
/// validated completely before anything starts. `--check` validates configuration, models and
/// devices, prints each error on its own line, and exits.
/// </summary>
public static class RunCommand
{
    public const string DefaultConfig = "/etc/edgelstm/edgelstm.json";

    public static Command Create()
    {
        var config = new Option<FileInfo>("--config", "-c")
        {
            Description = "Configuration file (every option: /usr/share/doc/edgelstm/examples/edgelstm.full.json, explained in pipeline.md beside it)",
            DefaultValueFactory = _ => new FileInfo(DefaultConfig),
        };
        var summary = new Option<bool>("--summary") { Description = "At exit, print a JSON object of all counters (and accuracy for labelled input)" };
        var check = new Option<bool>("--check") { Description = "Validate configuration, models and devices, report every error (one per line), exit 0 or 2" };
        var logLevel = new Option<string?>("--log-level") { Description = "error, warning, info or debug (default: service.logLevel of the configuration, else info)" };
        logLevel.AcceptOnlyFromAmong("error", "warning", "info", "debug");
        var source = new Argument<string?>("SOURCE") { Description = $"Classify one live source without a configuration: {Capture.SourceSpec.Forms}", Arity = ArgumentArity.ZeroOrOne };
        var model = CommonOptions.Model();
        var baud = new Option<int>("--baud") { Description = "With SOURCE: the serial line's baud rate", DefaultValueFactory = _ => 115200 };
        var format = new Option<string>("--format") { Description = "With SOURCE: text lines or binary frames (docs/protocol.md)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "binary");
        var command = new Command("run", "Run the streaming pipeline from a configuration file (foreground; systemd runs this), or classify one SOURCE")
            { source, config, summary, check, logLevel, model, baud, format };
        command.SetAction(p => CommandGuard.Run(() =>
        {
            var file = p.GetValue(config)!;
            string? spec = p.GetValue(source);
            bool levelGiven = Logger.TryParse(p.GetValue(logLevel), out var level);
            if (levelGiven) Logger.Level = level;
            if (spec is not null && p.GetResult(config) is { Implicit: false }) throw new UsageException("give a SOURCE or --config, not both");
            if (spec is null && (p.GetResult(model) is { Implicit: false } || p.GetResult(baud) is { Implicit: false } || p.GetResult(format) is { Implicit: false }))
                throw new UsageException("--model, --baud and --format go with a SOURCE (a configuration names its own)");
            if (p.GetValue(check))
                return spec is null ? ConfigCheck.Run(file) : throw new UsageException("--check checks a configuration file (--config)");
            DaemonConfig parsed;
            Daemon.Flow.Pipeline pipeline;
            string origin = spec ?? file.Name;
            try
            {
                parsed = spec is null ? ConfigReader.Read(file.FullName) : FromSource(spec, p.GetValue(model), p.GetValue(baud), p.GetValue(format)!);
                if (!levelGiven && Logger.TryParse(parsed.Service.LogLevel, out var configured)) Logger.Level = configured;
                foreach (string old in OldOptionNames.In(parsed)) Logger.Warning($"{origin}: {old}");
                pipeline = spec is null
                    ? PipelineFactory.Build(parsed, ServiceRuntime.ModelLoader(file), PipelineRunner.Log, file.DirectoryName)
                    : PipelineFactory.Build(parsed, path => ModelSource.Load(path is null ? null : new FileInfo(path)), PipelineRunner.Log, Environment.CurrentDirectory);
            }
            catch (ConfigException e)
            {
                throw new UsageException($"{origin}: {e.Message}");
            }
            Logger.Debug($"{origin}: {parsed.Sources.Count} sources, {parsed.Sinks.Count} sinks, models {string.Join(", ", parsed.Models.Keys)}");
            using var service = new ServiceRuntime(spec is null ? file : null, parsed, pipeline, levelGiven);
            service.Open(); // ports, status socket: refused ones end the start here, before anything runs
            return PipelineRunner.Run(pipeline, p.GetValue(summary), service.Start);
        }));
        return command;
    }

    /// <summary>The configuration `run SOURCE` stands for: that source (named as `record` names it), the model, stdout.</summary>
    private static DaemonConfig FromSource(string spec, FileInfo? model, int baud, string format)
    {
        string name = spec is "-" or "stdin" ? "stdin"
            : spec.StartsWith("tcp:", StringComparison.Ordinal) || spec.StartsWith("udp:", StringComparison.Ordinal) ? spec.Replace(':', '-').Replace("[", "", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal)
            : Path.GetFileName(spec);
        if (model is not null && !model.Exists) throw new UsageException($"--model: {model.FullName} not found");
        return new DaemonConfig
        {
            Models = { ["default"] = new ModelEntry { Path = model?.FullName } },
            Sources = [Capture.SourceSpec.Parse(spec, name.Length == 0 ? "source" : name, format, baud)],
            Sinks = [new SinkEntry { Type = "stdout" }],
        };
    }
}
