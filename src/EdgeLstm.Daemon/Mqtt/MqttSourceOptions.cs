namespace EdgeLstm.Daemon.Mqtt;

/// <summary>
/// The "mqtt" section of an MQTT source: the connection's settings (<see cref="MqttConnectionOptions"/>,
/// the same as the sink's) and how long the broker keeps the source's session while it is away.
/// The topics, the QoS and the stream naming are the source's own options (docs/pipeline.md).
/// </summary>
public sealed class MqttSourceOptions : MqttConnectionOptions
{
    /// <summary>Longest session expiry MQTT 5 can say (0xFFFFFFFF s means "never expires").</summary>
    public const long MaxSessionExpiryMs = 0xFFFF_FFFEL * 1000;

    /// <summary>
    /// How long the broker keeps the session (the subscriptions and the QoS 1 messages that arrive
    /// meanwhile) after the source disconnected: a gateway restarted within it loses nothing the
    /// broker held. Whole seconds on the wire; 0 ends the session with the connection. Default one day.
    /// </summary>
    public long SessionExpiryMs { get; set; } = 86_400_000;

    /// <summary>The client id (stable across restarts, which a persistent session needs): the configured one, else "edgelstm-{device}-{source}".</summary>
    public string ClientIdFor(string source) => ClientId.Length > 0 ? ClientId : $"edgelstm-{TopicSafe(Device)}-{TopicSafe(source)}";

    /// <summary>Every problem with these settings, each naming its option; empty when valid.</summary>
    public IEnumerable<string> Validate(string section)
    {
        foreach (string e in ValidateConnection(section)) yield return e;
        if (SessionExpiryMs is < 0 or > MaxSessionExpiryMs) yield return $"{section}.sessionExpiryMs: must be 0 to {MaxSessionExpiryMs} (whole seconds on the wire)";
    }
}
