using EdgeLstm.Daemon.Configuration;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `run --check`: every problem of a configuration on its own line (option path and reason), its
/// models loaded and checked against the channel maps, its serial devices present and usable by
/// this user; exit 0 when there is none, 2 otherwise. A serial device that is absent is a
/// warning (on stderr, exit 0 if nothing else is wrong): a device not plugged in yet, which the
/// service waits for. Nothing is opened or started.
/// </summary>
public static class ConfigCheck
{
    public static int Run(FileInfo file)
    {
        var errors = new List<string>();
        DaemonConfig config;
        try
        {
            config = ConfigReader.Read(file.FullName);
        }
        catch (ConfigException e)
        {
            return Report(file, e.Errors); // syntax: nothing further can be read
        }
        try
        {
            PipelineFactory.Validate(config, ServiceRuntime.ModelLoader(file), file.DirectoryName);
        }
        catch (ConfigException e)
        {
            errors.AddRange(e.Errors);
        }
        errors.AddRange(DeviceCheck.Errors(config));
        var warnings = DeviceCheck.Warnings(config).Select(w => $"{w}; a warning: the service starts without it and opens it when it appears")
            .Concat(OldOptionNames.In(config)).ToList();
        if (errors.Count > 0) return Report(file, [.. errors, .. warnings]);
        foreach (string w in warnings) Console.Error.WriteLine($"edgelstm: {file.Name}: {w}");
        int devices = config.Sources.Count(s => s.Type == "serial") + config.Sinks.Count(s => s.Type == "serial");
        Console.Out.WriteLine($"edgelstm: {file.Name}: OK ({config.Models.Count} models, {config.Sources.Count} sources, {config.Sinks.Count} sinks, {devices} serial devices)");
        return ExitCodes.Success;
    }

    private static int Report(FileInfo file, IEnumerable<string> errors)
    {
        foreach (string e in errors) Console.Error.WriteLine($"edgelstm: {file.Name}: {e}");
        return ExitCodes.BadInput;
    }
}
