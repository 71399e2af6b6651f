using EdgeLstm.Daemon.Mqtt;

namespace EdgeLstm.Daemon.Sinks;

/// <summary>
/// Publishes each classification's JSON line (without its newline) to the stream's MQTT topic
/// through <see cref="MqttPublisher"/>, which owns the connection, the queue and the spool.
/// The sink thread never waits for the broker: a full queue counts a drop. Losses are counted by
/// message in <see cref="Link"/> (and, once attached, in the pipeline's sink_errors), so Write
/// never reports a block as failed: a block would count one error for any number of lost messages.
/// </summary>
/// <param name="name">Names the sink in metrics labels and health reasons; default the broker's host:port.</param>
public sealed class MqttSink(MqttOptions options, string modelName, Action<string> log, string? name = null) : ISink
{
    private readonly MqttPublisher _publisher = new(options, log, name);
    private readonly HashSet<string> _announced = [];

    public string Name => "mqtt";
    public MqttPublisher Publisher => _publisher;

    /// <summary>The connection's state and every message's fate (health, /metrics, status).</summary>
    public MqttLinkState Link => _publisher.Link;

    public void Start() => _publisher.Start();

    public bool Write(in OutputBlock block)
    {
        for (int i = 0; i < block.Count; i++)
        {
            string stream = block.Events.Stream[i].Name;
            if (_announced.Add(stream)) _publisher.Announce(stream, modelName, typeof(MqttSink).Assembly.GetName().Version?.ToString() ?? "");
            var line = block.Line(i);
            _publisher.Publish(stream, line[..^1].ToArray()); // a refusal is counted by the publisher, per message
        }
        return true;
    }

    public void Flush()
    {
    }

    public void Close() => _publisher.StopAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();

    public void Dispose() => _publisher.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
