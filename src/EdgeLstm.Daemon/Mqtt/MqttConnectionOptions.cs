using System.Text.Json.Serialization;

namespace EdgeLstm.Daemon.Mqtt;

/// <summary>
/// How to reach a broker, shared by the MQTT sink ("mqtt" of a sink, <see cref="MqttOptions"/>) and
/// the MQTT source ("mqtt" of a source, <see cref="MqttSourceOptions"/>): address, identity,
/// credentials, TLS, keep-alive, the reconnect backoff and when an unreachable broker turns health
/// unhealthy. <see cref="MqttConnector"/> turns them into MQTTnet's client options.
/// </summary>
public class MqttConnectionOptions
{
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 1883;

    /// <summary>Names this installation in topics and in the client id; defaults to the host name.</summary>
    public string Device { get; set; } = Environment.MachineName;

    /// <summary>Client id; empty means the default of the sink ("edgelstm-{device}") or of the source ("edgelstm-{device}-{source}").</summary>
    public string ClientId { get; set; } = "";

    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>Connect with TLS (port 8883 by convention).</summary>
    public bool Tls { get; set; }

    /// <summary>PEM file of the certificate authority that signed the broker's certificate (else the system store).</summary>
    public string? CaFile { get; set; }

    /// <summary>Accept any broker certificate: for test brokers only.</summary>
    public bool AllowUntrustedCertificates { get; set; }

    /// <summary>MQTT keep-alive: the broker drops a client silent for 1.5 times this (1 s to 65535 s, whole seconds on the wire).</summary>
    public int KeepAliveMs { get; set; } = 30_000;
    /// <summary>First reconnect delay after the broker went away; doubles (with jitter) up to <see cref="ReconnectMaxMs"/>.</summary>
    public int ReconnectMinMs { get; set; } = 500;
    public int ReconnectMaxMs { get; set; } = 30_000;

    // The names earlier versions gave these, in seconds: still read, as their ...Ms options, and named in
    // OldNamesUsed so that `run --check` can say which to rename; never written.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? KeepAliveSeconds { get => null; set => KeepAliveMs = FromOldSeconds(value, "keepAliveSeconds", "keepAliveMs", KeepAliveMs); }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ReconnectMinSeconds { get => null; set => ReconnectMinMs = FromOldSeconds(value, "reconnectMinSeconds", "reconnectMinMs", ReconnectMinMs); }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ReconnectMaxSeconds { get => null; set => ReconnectMaxMs = FromOldSeconds(value, "reconnectMaxSeconds", "reconnectMaxMs", ReconnectMaxMs); }

    /// <summary>Old option names this configuration used, each as "old: now new" (a warning of `run --check`).</summary>
    [JsonIgnore]
    public List<string> OldNamesUsed { get; } = [];

    private int FromOldSeconds(double? seconds, string oldName, string newName, int current)
    {
        if (seconds is not { } s) return current;
        OldNamesUsed.Add($"{oldName}: an old name, read as {newName}; rename it");
        // Out-of-range values stay out of range (and fail validation) rather than wrapping.
        return double.IsNaN(s) ? -1 : (int)Math.Clamp(Math.Round(s * 1000), int.MinValue, int.MaxValue);
    }

    /// <summary>Health (/health, `status`) turns unhealthy once the broker has been unreachable this long; 0 = never.</summary>
    public int UnhealthyAfterMs { get; set; } = 30_000;

    /// <summary>Every problem with the connection settings, each naming its option; empty when valid.</summary>
    protected IEnumerable<string> ValidateConnection(string section)
    {
        if (string.IsNullOrWhiteSpace(Host)) yield return $"{section}.host: must not be empty";
        if (Port is < 1 or > 65535) yield return $"{section}.port: {Port} is not a TCP port";
        if (ReconnectMinMs <= 0 || ReconnectMaxMs < ReconnectMinMs)
            yield return $"{section}.reconnectMinMs/reconnectMaxMs: need 0 < min <= max";
        if (KeepAliveMs is < 1000 or > 65_535_000) yield return $"{section}.keepAliveMs: must be 1000 to 65535000 (1 s to 65535 s)";
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
