using EdgeLstm.Daemon.Mqtt;

namespace EdgeLstm.Daemon.Sinks;

/// <summary>
/// Publishes each classification's JSON line (without its newline) to the stream's MQTT topic
/// through <see cref="MqttPublisher"/>, which owns the connection, the queue and the spool.
/// The sink thread never waits for the broker: a full queue counts a drop.
/// </summary>
public sealed class MqttSink(MqttOptions options, string modelName, Action<string> log) : ISink
{
    private readonly MqttPublisher _publisher = new(options, log);
    private readonly HashSet<string> _announced = [];

    public string Name => "mqtt";
    public MqttPublisher Publisher => _publisher;

    public void Start() => _publisher.Start();

    public bool Write(in OutputBlock block)
    {
        bool all = true;
        for (int i = 0; i < block.Count; i++)
        {
            string stream = block.Events.Stream[i].Name;
            if (_announced.Add(stream)) _publisher.Announce(stream, modelName, typeof(MqttSink).Assembly.GetName().Version?.ToString() ?? "");
            var line = block.Line(i);
            all &= _publisher.Publish(stream, line[..^1].ToArray());
        }
        return all;
    }

    public void Flush()
    {
    }

    public void Close() => _publisher.StopAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();

    public void Dispose() => _publisher.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
