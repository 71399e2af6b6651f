using System.CommandLine;
using EdgeLstm.Daemon.Configuration;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `edgelstm run --config FILE`: the pipeline a configuration describes, in the foreground, until
/// SIGINT or SIGTERM (then drained: every accepted sample classified and written) or until all its
/// sources are finite and ended. The configuration is validated completely before anything starts.
/// </summary>
public static class RunCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config", "-c") { Description = "Configuration file (see config/edgelstm.json and docs/pipeline.md)", Required = true };
        var summary = new Option<bool>("--summary") { Description = "At exit, print a JSON object of all counters (and accuracy for labelled input)" };
        var command = new Command("run", "Run the streaming pipeline from a configuration file (foreground; systemd runs this)") { config, summary };
        command.SetAction(p => CommandGuard.Run(() =>
        {
            var file = p.GetValue(config)!;
            Daemon.Hosting.Pipeline pipeline;
            try
            {
                var parsed = ConfigReader.Read(file.FullName);
                pipeline = PipelineFactory.Build(parsed, path => ModelSource.Load(path is null ? null : new FileInfo(Path.Combine(file.DirectoryName ?? ".", path))), PipelineRunner.Log, file.DirectoryName);
            }
            catch (ConfigException e)
            {
                throw new UsageException($"{file.Name}: {e.Message}");
            }
            return PipelineRunner.Run(pipeline, p.GetValue(summary));
        }));
        return command;
    }
}
