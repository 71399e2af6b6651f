namespace EdgeLstm.Daemon.Configuration;

/// <summary>
/// The configuration file (/etc/edgelstm/edgelstm.json; config/edgelstm.full.json shows every option,
/// docs/pipeline.md explains each)
/// as written: its objects are sections (<c>...Section</c>), the items of its lists entries
/// (<c>...Entry</c>); plain settable properties for the source-generated reader.
/// <see cref="PipelineFactory"/> checks every value, names each error, and derives from them what
/// the pipeline runs with (<c>ResetSettings</c>, <c>EventSettings</c>, <c>ChannelSetting</c>,
/// <c>PipelineOptions</c>: durations as TimeSpan, names resolved).
/// </summary>
public sealed class DaemonConfig
{
    /// <summary>Models by name. A null or absent path is the model embedded in the executable.</summary>
    public Dictionary<string, ModelEntry> Models { get; set; } = [];
    public List<SourceEntry> Sources { get; set; } = [];
    /// <summary>Rules choosing model, reset policy and event logic per stream; first match wins.</summary>
    public List<StreamRuleEntry> Streams { get; set; } = [];
    public List<SinkEntry> Sinks { get; set; } = [];
    public PipelineSection Pipeline { get; set; } = new();
    /// <summary>How `run` presents itself: log level, status socket, metrics and health endpoint.</summary>
    public ServiceSection Service { get; set; } = new();
}

public sealed class ServiceSection
{
    /// <summary>error, warning, info or debug (the command line's --log-level wins).</summary>
    public string LogLevel { get; set; } = "info";
    /// <summary>Unix socket `edgelstm status` reads; null: status.sock in systemd's RUNTIME_DIRECTORY (/run/edgelstm), none without it.</summary>
    public string? StatusSocket { get; set; }
    public MetricsSection Metrics { get; set; } = new();
}

/// <summary>The optional HTTP endpoint: GET /metrics (Prometheus text) and GET /health.</summary>
public sealed class MetricsSection
{
    public bool Enabled { get; set; }
    public string Bind { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 9464;
}

public sealed class ModelEntry
{
    public string? Path { get; set; }
    /// <summary>"int" (the integer engine) or "float" (the float32 reference).</summary>
    public string Engine { get; set; } = "int";
}

public sealed class SourceEntry
{
    public string Name { get; set; } = "";
    /// <summary>serial, tcp, udp, stdin, file or mqtt.</summary>
    public string Type { get; set; } = "";
    /// <summary>text or binary; json for mqtt.</summary>
    public string Format { get; set; } = "text";
    /// <summary>Device (serial) or recording (file).</summary>
    public string? Path { get; set; }
    public int Baud { get; set; } = 115200;
    /// <summary>none, odd, even, mark, space.</summary>
    public string Parity { get; set; } = "none";
    public int DataBits { get; set; } = 8;
    /// <summary>one, onePointFive, two.</summary>
    public string StopBits { get; set; } = "one";
    /// <summary>none, xonxoff, rts, rtsxonxoff.</summary>
    public string Handshake { get; set; } = "none";
    public int ReopenMinMs { get; set; } = 250;
    public int ReopenMaxMs { get; set; } = 5000;
    /// <summary>Address to listen on (tcp, udp).</summary>
    public string Bind { get; set; } = "127.0.0.1";
    public int Port { get; set; }
    public int MaxConnections { get; set; } = 4;
    /// <summary>tcp: a connection that sends nothing for this long is closed (so silent peers cannot hold the slots); 0 = never.</summary>
    public int IdleTimeoutMs { get; set; } = 30000;
    /// <summary>file: pacing factor over real time; null with maxSpeed false means real time.</summary>
    public double? Speed { get; set; }
    public bool MaxSpeed { get; set; }
    public int MaxLineLength { get; set; } = Decoding.DecoderOptions.DefaultMaxLineLength;
    /// <summary>Health turns unhealthy when this source has delivered no bytes for this long; 0 = never (a source that may be silent).</summary>
    public int StaleAfterMs { get; set; }
    public List<ChannelEntry> Channels { get; set; } = [];

    /// <summary>mqtt: the topic filters to subscribe to (wildcards + and #).</summary>
    public List<string> Topics { get; set; } = [];
    /// <summary>mqtt: 0 (at most once) or 1 (at least once: a message is acknowledged once its samples are in the pipeline).</summary>
    public int Qos { get; set; } = 1;
    /// <summary>mqtt: the 0-based topic levels that name a stream (`nodes/` + those levels); empty: the levels the wildcards matched.</summary>
    public List<int> StreamLevels { get; set; } = [];
    /// <summary>mqtt: the broker connection (the sink's options) and the session expiry.</summary>
    public Mqtt.MqttSourceOptions? Mqtt { get; set; }
}

public sealed class ChannelEntry
{
    public string Input { get; set; } = "";
    public string? Column { get; set; }
    public int? Index { get; set; }
    public float Scale { get; set; } = 1;
    public float Offset { get; set; }
}

public sealed class StreamRuleEntry
{
    /// <summary>Stream name pattern: '*' matches any run of characters.</summary>
    public string Match { get; set; } = "*";
    public string Model { get; set; } = "default";
    public ResetSection Reset { get; set; } = new();
    public EventsSection Events { get; set; } = new();
}

public sealed class ResetSection
{
    public bool OnGap { get; set; } = true;
    public int TimeoutMs { get; set; } = 2000;
    public long EverySteps { get; set; }
}

public sealed class EventsSection
{
    public float Smoothing { get; set; }
    public float Threshold { get; set; }
    public int MinDuration { get; set; } = 1;
    /// <summary>change or hop.</summary>
    public string Emit { get; set; } = "change";
    public int Hop { get; set; } = 1;
}

public sealed class SinkEntry
{
    /// <summary>stdout, tcp, udp or serial.</summary>
    public string Type { get; set; } = "stdout";
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; }
    public string? Path { get; set; }
    public int Baud { get; set; } = 115200;

    /// <summary>type "mqtt": broker, topics, QoS, queue, spool, Home Assistant discovery (docs/operations.md).</summary>
    public Mqtt.MqttOptions? Mqtt { get; set; }
}

public sealed class PipelineSection
{
    public int BatchSize { get; set; } = 64;
    public int InputCapacity { get; set; } = 64;
    /// <summary>auto (wait for tcp, stdin and file sources; dropOldest for serial and udp), wait, dropNewest or dropOldest.</summary>
    public string InputFullMode { get; set; } = "auto";
    public int OutputCapacity { get; set; } = 64;
    public string OutputFullMode { get; set; } = "wait";
    public bool Scores { get; set; }
    /// <summary>Classifier workers (sources spread over them); 0 = one per processor.</summary>
    public int ClassifierWorkers { get; set; }
    /// <summary>Streams of one integer model stepped together (lanes per group); 0 = each stream alone.</summary>
    public int BatchLanes { get; set; } = 64;
    /// <summary>How long a staged sample may wait for the batches already queued behind it.</summary>
    public int BatchHoldMs { get; set; } = 2;
    public int StopGraceMs { get; set; } = 2000;
    /// <summary>Scale-out over several gateways: this one classifies the streams whose name hashes to its index (docs/operations.md).</summary>
    public PartitionSection Partition { get; set; } = new();
}

/// <summary>`pipeline.partition`: the stream partition (Samples/StreamPartition.cs) this gateway classifies.</summary>
public sealed class PartitionSection
{
    /// <summary>Gateways sharing the streams (1: this one classifies every stream).</summary>
    public int Count { get; set; } = 1;
    /// <summary>This gateway's partition, 0 to count - 1.</summary>
    public int Index { get; set; }
}
