namespace EdgeLstm.Daemon.Configuration;

/// <summary>
/// Options a configuration gave under a name of an earlier version (read as the new one), each by
/// its path: `sinks[0].mqtt.keepAliveSeconds: an old name, read as keepAliveMs; rename it`.
/// `run --check` prints them as warnings and `run` logs them once at start.
/// </summary>
public static class OldOptionNames
{
    public static IReadOnlyList<string> In(DaemonConfig config)
    {
        var found = new List<string>();
        for (int i = 0; i < config.Sinks.Count; i++)
            if (config.Sinks[i].Mqtt is { } mqtt)
                found.AddRange(mqtt.OldNamesUsed.Select(n => $"sinks[{i}].mqtt.{n}"));
        for (int i = 0; i < config.Sources.Count; i++)
            if (config.Sources[i].Mqtt is { } mqtt)
                found.AddRange(mqtt.OldNamesUsed.Select(n => $"sources[{i}].mqtt.{n}"));
        return found;
    }
}
