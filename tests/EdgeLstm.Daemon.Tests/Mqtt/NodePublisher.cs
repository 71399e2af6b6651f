using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeLstm.Daemon.Tests.Mqtt;

/// <summary>A sensor node of the tests: an MQTTnet client publishing payloads (QoS 1 by default) to a real broker.</summary>
internal sealed class NodePublisher : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly int _port;
    private readonly string _clientId;

    public NodePublisher(int port, string clientId)
    {
        _port = port;
        _clientId = clientId;
    }

    public async Task ConnectAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await _client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _port).WithClientId(_clientId).Build());
                return;
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public async Task PublishAsync(string topic, byte[] payload, int qos = 1)
    {
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(qos == 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce).Build());
        if (qos == 1 && !result.IsSuccess) throw new InvalidOperationException($"publish to {topic} refused: {result.ReasonCode}");
    }

    public Task PublishAsync(string topic, string payload, int qos = 1) => PublishAsync(topic, System.Text.Encoding.UTF8.GetBytes(payload), qos);

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected) await _client.DisconnectAsync();
        _client.Dispose();
    }
}
