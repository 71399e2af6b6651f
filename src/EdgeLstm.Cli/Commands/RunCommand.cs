using System.CommandLine;
using EdgeLstm.Daemon.Configuration;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `edgelstm run [--config FILE]`: the pipeline a configuration describes, in the foreground, until
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
            Description = $"Configuration file (see config/edgelstm.json and docs/pipeline.md); default {DefaultConfig}",
            DefaultValueFactory = _ => new FileInfo(DefaultConfig),
        };
        var summary = new Option<bool>("--summary") { Description = "At exit, print a JSON object of all counters (and accuracy for labelled input)" };
        var check = new Option<bool>("--check") { Description = "Validate configuration, models and devices, report every error (one per line), exit 0 or 2" };
        var logLevel = new Option<string?>("--log-level") { Description = "error, warning, info or debug (default: service.logLevel of the configuration, else info)" };
        logLevel.AcceptOnlyFromAmong("error", "warning", "info", "debug");
        var command = new Command("run", "Run the streaming pipeline from a configuration file (foreground; systemd runs this)") { config, summary, check, logLevel };
        command.SetAction(p => CommandGuard.Run(() =>
        {
            var file = p.GetValue(config)!;
            bool levelGiven = Logger.TryParse(p.GetValue(logLevel), out var level);
            if (levelGiven) Logger.Level = level;
            if (p.GetValue(check)) return ConfigCheck.Run(file);
            DaemonConfig parsed;
            Daemon.Hosting.Pipeline pipeline;
            try
            {
                parsed = ConfigReader.Read(file.FullName);
                if (!levelGiven && Logger.TryParse(parsed.Service.LogLevel, out var configured)) Logger.Level = configured;
                pipeline = PipelineFactory.Build(parsed, ServiceRuntime.ModelLoader(file), PipelineRunner.Log, file.DirectoryName);
            }
            catch (ConfigException e)
            {
                throw new UsageException($"{file.Name}: {e.Message}");
            }
            Logger.Debug($"{file.FullName}: {parsed.Sources.Count} sources, {parsed.Sinks.Count} sinks, models {string.Join(", ", parsed.Models.Keys)}");
            using var service = new ServiceRuntime(file, parsed, pipeline, levelGiven);
            service.Open(); // ports, status socket: refused ones end the start here, before anything runs
            return PipelineRunner.Run(pipeline, p.GetValue(summary), service.Start);
        }));
        return command;
    }
}
