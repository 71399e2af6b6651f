using EdgeLstm.Daemon.Mqtt;
using EdgeLstm.Daemon.Service;

namespace EdgeLstm.Daemon.Sinks;

/// <summary>
/// Publishes each classification's JSON line (without its newline) to the stream's MQTT topic
/// through <see cref="MqttPublisher"/>, which owns the connection, the queue and the spool.
/// Each stream is announced to Home Assistant (with its model's labels) before its first line,
/// and a change of label is also published for Home Assistant's event entity.
/// The sink thread never waits for the broker, and allocates nothing per message (pooled
/// messages sized for the stream's longest line, topics and event payloads made once per stream): a full queue counts a drop. Losses are counted by
/// message in <see cref="Link"/> (and, once attached, in the pipeline's sink_errors), so Write
/// never reports a block as failed: a block would count one error for any number of lost messages.
/// </summary>
/// <param name="modelName">The model's name, as Home Assistant shows it for the device.</param>
/// <param name="name">Names the sink in metrics labels and health reasons; default the broker's host:port.</param>
public sealed class MqttSink(MqttOptions options, string modelName, Action<string> log, string? name = null) : ISink
{
    private readonly MqttPublisher _publisher = new(options, log, name);
    // Each announced stream's last label (its index in the model's labels), for the label-change event.
    private readonly Dictionary<string, int> _lastLabel = [];

    public string Name => "mqtt";
    public MqttPublisher Publisher => _publisher;

    /// <summary>The connection's state and every message's fate (health, /metrics, status).</summary>
    public MqttLinkState Link => _publisher.Link;

    public void Start() => _publisher.Start();

    public bool Write(in OutputBlock block)
    {
        for (int i = 0; i < block.Count; i++)
        {
            var events = block.Events;
            string stream = events.Stream[i].Name;
            int label = events.Label[i];
            if (!_lastLabel.TryGetValue(stream, out int last))
            {
                // Before the stream's first state is queued, so its configs go out first.
                string[] labels = [.. events.LabelNames[i].Select(l => l.Value)];
                _publisher.Prepare(stream, labels, JsonLineFormatter.MaxLineLength(events.Stream[i].JsonName, events.LabelNames[i]) - 1);
                _publisher.Announce(stream, modelName, ProcessMetrics.Version, labels);
                last = -1;
            }
            var line = block.Line(i);
            _publisher.Publish(stream, line[..^1]); // copied into a pooled message; a refusal is counted by the publisher, per message
            if (label != last)
            {
                _lastLabel[stream] = label;
                _publisher.PublishLabelChange(stream, events.LabelNames[i][label].Value);
            }
        }
        return true;
    }

    public void Flush()
    {
    }

    public void Close() => _publisher.StopAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();

    public void Dispose() => _publisher.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
