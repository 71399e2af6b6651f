namespace EdgeLstm.Daemon.Mqtt;

/// <summary>
/// The MQTT sink's settings (the "mqtt" section of a sink): the connection's (<see cref="MqttConnectionOptions"/>) and what to publish. Topic templates may use
/// {device} and {stream}; stream names are made topic-safe first.
/// </summary>
public sealed class MqttOptions : MqttConnectionOptions
{
    /// <summary>0 (at most once) or 1 (at least once: a classification leaves the queue only when the broker acknowledged it).</summary>
    public int Qos { get; set; } = 1;

    public string Topic { get; set; } = "edgelstm/{device}/{stream}";

    /// <summary>Retained "online" while connected; the broker publishes "offline" (last will) when we vanish.</summary>
    public string StatusTopic { get; set; } = "edgelstm/{device}/status";

    /// <summary>Messages held in memory while the broker is away; beyond it, new messages are dropped and counted.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Optional file that keeps unsent messages across a restart.</summary>
    public string? SpoolFile { get; set; }

    /// <summary>Publish Home Assistant MQTT discovery configs so each stream appears as a sensor entity.</summary>
    public bool HomeAssistantDiscovery { get; set; }
    public string HomeAssistantPrefix { get; set; } = "homeassistant";

    public string EffectiveClientId => ClientId.Length > 0 ? ClientId : $"edgelstm-{TopicSafe(Device)}";
    public string StatusTopicResolved => StatusTopic.Replace("{device}", TopicSafe(Device), StringComparison.Ordinal);

    public string TopicFor(string stream) =>
        Topic.Replace("{device}", TopicSafe(Device), StringComparison.Ordinal).Replace("{stream}", TopicSafe(stream), StringComparison.Ordinal);

    /// <summary>Every problem with these settings, each naming its option; empty when valid.</summary>
    public IEnumerable<string> Validate(string section = "mqtt")
    {
        foreach (string e in ValidateConnection(section)) yield return e;
        if (Qos is not (0 or 1)) yield return $"{section}.qos: {Qos} is not supported (0 or 1)";
        if (QueueCapacity < 1) yield return $"{section}.queueCapacity: must be at least 1";
        if (!Topic.Contains("{stream}", StringComparison.Ordinal)) yield return $"{section}.topic: must contain {{stream}} so streams do not share a topic";
        if (Topic.Contains('#') || Topic.Contains('+')) yield return $"{section}.topic: wildcards are not allowed in a publish topic";
        if (string.IsNullOrWhiteSpace(StatusTopic)) yield return $"{section}.statusTopic: must not be empty";
    }
}
