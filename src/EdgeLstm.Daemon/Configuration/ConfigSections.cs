using System.Text.Json;

namespace EdgeLstm.Daemon.Configuration;

/// <summary>
/// Which parts of a reloaded configuration a SIGHUP cannot apply in place: models, stream rules,
/// channel maps and the log level switch at once; sources, sinks, pipeline sizes and the status and
/// metrics endpoints are opened at start and change at the next restart.
/// </summary>
public static class ConfigSections
{
    public static IReadOnlyList<string> NeedingRestart(DaemonConfig running, DaemonConfig reloaded)
    {
        var changed = new List<string>();
        if (SourcesText(running) != SourcesText(reloaded)) changed.Add("sources");
        if (Text(running.Sinks, ConfigJsonContext.Default.ListSinkEntry) != Text(reloaded.Sinks, ConfigJsonContext.Default.ListSinkEntry)) changed.Add("sinks");
        if (Text(running.Pipeline, ConfigJsonContext.Default.PipelineSection) != Text(reloaded.Pipeline, ConfigJsonContext.Default.PipelineSection)) changed.Add("pipeline");
        string Endpoints(DaemonConfig c) => $"{c.Service.StatusSocket}|{c.Service.Metrics.Enabled}|{c.Service.Metrics.Bind}|{c.Service.Metrics.Port}";
        if (Endpoints(running) != Endpoints(reloaded)) changed.Add("service.statusSocket/metrics");
        return changed;
    }

    // A source's settings without its channel map (which a reload does apply).
    private static string SourcesText(DaemonConfig config) => string.Join("\n", config.Sources.Select(s =>
    {
        var channels = s.Channels;
        s.Channels = [];
        try { return Text(s, ConfigJsonContext.Default.SourceEntry); }
        finally { s.Channels = channels; }
    }));

    private static string Text<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => JsonSerializer.Serialize(value, type);
}
