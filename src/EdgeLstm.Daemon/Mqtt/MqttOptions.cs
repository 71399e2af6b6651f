namespace EdgeLstm.Daemon.Mqtt;

/// <summary>
/// The MQTT sink's settings (the "mqtt" section of the configuration). Topic templates may use
/// {device} and {stream}; stream names are made topic-safe first.
/// </summary>
public sealed class MqttOptions
{
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 1883;

    /// <summary>Names this installation in topics and in the client id; defaults to the host name.</summary>
    public string Device { get; set; } = Environment.MachineName;

    /// <summary>Client id; empty means "edgelstm-{device}".</summary>
    public string ClientId { get; set; } = "";

    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>Connect with TLS (port 8883 by convention).</summary>
    public bool Tls { get; set; }

    /// <summary>PEM file of the certificate authority that signed the broker's certificate (else the system store).</summary>
    public string? CaFile { get; set; }

    /// <summary>Accept any broker certificate: for test brokers only.</summary>
    public bool AllowUntrustedCertificates { get; set; }

    /// <summary>0 (at most once) or 1 (at least once: a classification leaves the queue only when the broker acknowledged it).</summary>
    public int Qos { get; set; } = 1;

    public string Topic { get; set; } = "edgelstm/{device}/{stream}";

    /// <summary>Retained "online" while connected; the broker publishes "offline" (last will) when we vanish.</summary>
    public string StatusTopic { get; set; } = "edgelstm/{device}/status";

    /// <summary>Messages held in memory while the broker is away; beyond it, new messages are dropped and counted.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Optional file that keeps unsent messages across a restart.</summary>
    public string? SpoolFile { get; set; }

    public double KeepAliveSeconds { get; set; } = 30;
    public double ReconnectMinSeconds { get; set; } = 0.5;
    public double ReconnectMaxSeconds { get; set; } = 30;

    /// <summary>Health (/health, `status`) turns unhealthy once the broker has been unreachable this long; 0 = never.</summary>
    public int UnhealthyAfterMs { get; set; } = 30_000;

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
        if (string.IsNullOrWhiteSpace(Host)) yield return $"{section}.host: must not be empty";
        if (Port is < 1 or > 65535) yield return $"{section}.port: {Port} is not a TCP port";
        if (Qos is not (0 or 1)) yield return $"{section}.qos: {Qos} is not supported (0 or 1)";
        if (QueueCapacity < 1) yield return $"{section}.queueCapacity: must be at least 1";
        if (!Topic.Contains("{stream}", StringComparison.Ordinal)) yield return $"{section}.topic: must contain {{stream}} so streams do not share a topic";
        if (Topic.Contains('#') || Topic.Contains('+')) yield return $"{section}.topic: wildcards are not allowed in a publish topic";
        if (string.IsNullOrWhiteSpace(StatusTopic)) yield return $"{section}.statusTopic: must not be empty";
        if (ReconnectMinSeconds <= 0 || ReconnectMaxSeconds < ReconnectMinSeconds)
            yield return $"{section}.reconnectMinSeconds/reconnectMaxSeconds: need 0 < min <= max";
        if (KeepAliveSeconds is < 1 or > 65535) yield return $"{section}.keepAliveSeconds: must be 1 to 65535";
        if (UnhealthyAfterMs < 0) yield return $"{section}.unhealthyAfterMs: must be 0 (never unhealthy) or more";
        if (Username is null && Password is not null) yield return $"{section}.password: given without username";
        if (CaFile is not null && !File.Exists(CaFile)) yield return $"{section}.caFile: {CaFile} does not exist";
    }

    /// <summary>Topic levels may not contain '/', '+', '#' or control characters; anything else outside [A-Za-z0-9_.-] becomes '_'.</summary>
    public static string TopicSafe(string name)
    {
        if (name.Length == 0) return "_";
        return string.Create(name.Length, name, static (span, s) =>
        {
            for (int i = 0; i < s.Length; i++)
                span[i] = char.IsAsciiLetterOrDigit(s[i]) || s[i] is '_' or '-' or '.' ? s[i] : '_';
        });
    }
}
