using System.Globalization;

namespace EdgeLstm.Fleet;

/// <summary>What the fleet publishes, where, and for how long (<c>edgelstm-fleet --help</c>).</summary>
internal sealed record FleetOptions
{
    public int Nodes { get; init; } = 10;
    /// <summary>MQTT connections the nodes share (round robin); 0 = one per node, as a real fleet.</summary>
    public int Clients { get; init; }
    public double RateHz { get; init; } = 50;
    public int PerMessage { get; init; } = 10;
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 1883;
    public int Qos { get; init; }
    public double DurationSeconds { get; init; } = 30;
    /// <summary>text (lines, Edge Impulse convention with a header) or json ({"seq":n,"samples":[{...},...]}).</summary>
    public string Format { get; init; } = "text";
    /// <summary>text: the header line in every message (a gateway that starts late still names the columns), or only in each node's first.</summary>
    public bool HeaderEveryMessage { get; init; } = true;
    public string TopicPrefix { get; init; } = "sensors";
    public List<string> Recordings { get; init; } = [];
    public string NodePrefix { get; init; } = "node-";

    public const string Usage = """
        edgelstm-fleet: N simulated sensor nodes replaying recordings to an MQTT broker at their real rate.
          --nodes N            nodes (default 10); node k publishes to TOPIC/node-<k>/imu
          --clients C          MQTT connections the nodes share; 0 = one per node (default)
          --rate HZ            samples per second per node (default 50)
          --per-message M      samples per message (default 10; 1 = no batching)
          --host H --port P    broker (default 127.0.0.1:1883)
          --qos 0|1            (default 0)
          --duration S         seconds to publish (default 30)
          --format text|json   text lines with a header, or JSON objects as ArduinoJson writes them
          --header every|first text: the header in every message (default) or each node's first only
          --topic-prefix T     (default sensors)
          --recording FILE     a recording to replay (repeatable; default the shipped firmware-samples/recordings/*.csv)
        Every sample carries `time`: the wall-clock second it was taken (the message leaves with its last sample).
        Prints one JSON object: messages, samples, bytes, failures, lateness of the sends.
        """;

    /// <summary>Parses the command line; a bad argument throws <see cref="ArgumentException"/> with a one-line reason.</summary>
    public static FleetOptions Parse(string[] args)
    {
        var o = new FleetOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]}: a value is needed");
            int Int(int min, int max)
            {
                string name = args[i], v = Value();
                return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max
                    ? n : throw new ArgumentException($"{name}: '{v}' is not a whole number from {min} to {max}");
            }
            double Number(double min)
            {
                string name = args[i], v = Value();
                return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d >= min && double.IsFinite(d)
                    ? d : throw new ArgumentException($"{name}: '{v}' is not a number of at least {min}");
            }
            o = args[i] switch
            {
                "--nodes" => o with { Nodes = Int(1, 100_000) },
                "--clients" => o with { Clients = Int(0, 100_000) },
                "--rate" => o with { RateHz = Number(0.001) },
                "--per-message" => o with { PerMessage = Int(1, 1000) },
                "--host" => o with { Host = Value() },
                "--port" => o with { Port = Int(1, 65535) },
                "--qos" => o with { Qos = Int(0, 1) },
                "--duration" => o with { DurationSeconds = Number(0) },
                "--format" => Value() is "text" or "json" ? o with { Format = args[i] } : throw new ArgumentException($"--format: '{args[i]}' is not text or json"),
                "--header" => Value() switch
                {
                    "every" => o with { HeaderEveryMessage = true },
                    "first" => o with { HeaderEveryMessage = false },
                    _ => throw new ArgumentException($"--header: '{args[i]}' is not every or first"),
                },
                "--topic-prefix" => o with { TopicPrefix = Value() },
                "--recording" => o with { Recordings = [.. o.Recordings, Value()] },
                _ => throw new ArgumentException($"{args[i]}: unknown option (--help lists them)"),
            };
        }
        return o;
    }
}
