using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeLstm.Daemon.Tests.Mqtt;

/// <summary>A test's MQTT client (MQTTnet): a subscriber collecting what arrives, and a sensor node publishing.</summary>
internal sealed class Subscriber : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly MqttClientOptions _options;

    public Subscriber(int port, string clientId)
    {
        // A persistent session that outlives the connection: MQTT 5 with a session expiry interval,
        // which is what keeps the session (and the QoS 1 messages queued for it) when the broker
        // sees this connection close before it saves its state on a restart. Without the interval
        // an MQTT 5 session ends with its connection, so whether it survived a broker restart was a
        // race between the broker's shutdown and its noticing the closed socket.
        _options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithCleanStart(false).WithSessionExpiryInterval(3600).Build();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            Messages.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.ConvertPayloadToString(), e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
    }

    public ConcurrentQueue<(string Topic, string Payload, bool Retain)> Messages { get; } = new();

    public async Task ConnectAsync(params string[] filters)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_client.IsConnected && DateTime.UtcNow < deadline) await Task.Delay(20); // still noticing a broker restart
        while (true)
        {
            try
            {
                await _client.ConnectAsync(_options);
                break;
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
        foreach (var f in filters)
            await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f, MqttQualityOfServiceLevel.AtLeastOnce).Build());
    }

    public Task PublishAsync(string topic, string payload) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).Build());

    /// <summary>Publishes at QoS 1 (returning once the broker has it) or 0.</summary>
    public async Task PublishAsync(string topic, byte[] payload, int qos)
    {
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(qos == 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce).Build());
        if (qos == 1 && !result.IsSuccess) throw new InvalidOperationException($"publish to {topic} refused: {result.ReasonCode}");
    }

    /// <summary>Publishes text at QoS 1.</summary>
    public Task PublishAtLeastOnceAsync(string topic, string payload) => PublishAsync(topic, System.Text.Encoding.UTF8.GetBytes(payload), 1);

    public async Task<bool> WaitForAsync(Func<IReadOnlyCollection<(string Topic, string Payload, bool Retain)>, bool> condition, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (condition(Messages)) return true;
            await Task.Delay(50);
        }
        return condition(Messages);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected) await _client.DisconnectAsync();
        _client.Dispose();
    }
}
