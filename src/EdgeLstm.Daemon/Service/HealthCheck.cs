using System.Globalization;
using EdgeLstm.Daemon.Flow;

namespace EdgeLstm.Daemon.Service;

/// <summary>
/// "Is the data fresh": unhealthy when the pipeline no longer runs, when it is stalled
/// (<see cref="Stalls"/>), or when a source configured with a staleness interval
/// (`staleAfterMs`) has delivered no bytes for longer than that. Different from the watchdog on purpose: a silent sensor leaves the pipeline alive (no
/// restart would help), but whoever watches health should know that no data comes. A source that
/// knows it cannot deliver (its device absent: <see cref="Sources.SourceContext.SetDown"/>) is
/// unhealthy for as long as that lasts, with or without a staleness interval. Likewise when an MQTT
/// sink has been disconnected from its broker for longer than its `unhealthyAfterMs`.
/// </summary>
public sealed class HealthCheck(Pipeline pipeline, IReadOnlyList<TimeSpan> staleAfterBySource)
{
    /// <summary>The supervisor's stall monitor, once it runs (the endpoints open before it).</summary>
    public StallMonitor? Stalls { get; set; }

    public HealthReport Check()
    {
        if (!pipeline.IsRunning) return new HealthReport(false, "the pipeline is not running");
        if (Stalls?.Current is { Stalled: true } stall) return new HealthReport(false, "STALLED: " + stall.Reason);
        var stale = new List<string>();
        for (int i = 0; i < pipeline.Sources.Count; i++)
            if (pipeline.ContextOf(i).Down is { } down)
                stale.Add(string.Create(CultureInfo.InvariantCulture, $"source '{pipeline.Sources[i].Name}': {down.Reason} since {down.For.TotalSeconds:F1} s"));
        for (int i = 0; i < pipeline.Sources.Count && i < staleAfterBySource.Count; i++)
        {
            if (pipeline.ContextOf(i).Down is not null) continue;
            var limit = staleAfterBySource[i];
            if (limit <= TimeSpan.Zero) continue;
            var silence = pipeline.ContextOf(i).Silence;
            if (silence > limit)
                stale.Add(string.Create(CultureInfo.InvariantCulture, $"source '{pipeline.Sources[i].Name}' silent for {silence.TotalSeconds:F1} s (staleAfterMs {limit.TotalMilliseconds:F0})"));
        }
        foreach (var link in pipeline.Counters.MqttLinks)
        {
            if (link.UnhealthyAfter <= TimeSpan.Zero || link.DisconnectedFor is not { } down || down <= link.UnhealthyAfter) continue;
            stale.Add(string.Create(CultureInfo.InvariantCulture,
                $"mqtt sink '{link.Name}' disconnected for {down.TotalSeconds:F1} s: {link.LastFailure ?? "no connection yet"} (unhealthyAfterMs {link.UnhealthyAfter.TotalMilliseconds:F0})"));
        }
        return stale.Count == 0 ? HealthReport.Ok : new HealthReport(false, string.Join("; ", stale));
    }

    /// <summary>The stall state (never stalled when no monitor watches).</summary>
    public StallReport Stall => Stalls?.Current ?? StallReport.Running;

    /// <summary>Seconds since each source's last data, for the metrics.</summary>
    public IEnumerable<(string Source, double Seconds)> Silences() =>
        pipeline.Sources.Select((s, i) => (s.Name, pipeline.ContextOf(i).Silence.TotalSeconds));
}
