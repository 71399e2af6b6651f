using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeLstm.Fleet;

/// <summary>
/// The fleet's MQTT connections (MQTTnet 5, as the daemon's), nodes spread over them round robin.
/// Publishing does not wait for one message before the next: each completion (for QoS 1, the
/// broker's PUBACK) is counted as it comes, and <see cref="DrainAsync"/> waits for the last.
/// </summary>
internal sealed class FleetClients : IAsyncDisposable
{
    private readonly IMqttClient[] _clients;
    private readonly MqttQualityOfServiceLevel _qos;
    private long _inFlight, _completed, _failed;
    private string? _firstFailure;

    private FleetClients(IMqttClient[] clients, MqttQualityOfServiceLevel qos)
    {
        _clients = clients;
        _qos = qos;
    }

    public long Completed => Volatile.Read(ref _completed);
    public long Failed => Volatile.Read(ref _failed);
    public long InFlight => Volatile.Read(ref _inFlight);
    public string? FirstFailure => Volatile.Read(ref _firstFailure);

    public static async Task<FleetClients> ConnectAsync(FleetOptions o, int count, CancellationToken token)
    {
        var factory = new MqttClientFactory();
        var clients = new IMqttClient[count];
        string run = $"fleet-{Environment.ProcessId}";
        // A few connections at a time: a broker's accept queue is not a test subject here.
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = token }, async (i, ct) =>
        {
            var client = factory.CreateMqttClient();
            var options = new MqttClientOptionsBuilder()
                .WithTcpServer(o.Host, o.Port)
                .WithClientId($"{run}-{i}")
                .WithCleanSession()
                .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
                .WithTimeout(TimeSpan.FromSeconds(30))
                .Build();
            await client.ConnectAsync(options, ct).ConfigureAwait(false);
            clients[i] = client;
        }).ConfigureAwait(false);
        return new FleetClients(clients, o.Qos == 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce);
    }

    /// <summary>Sends one message of node <paramref name="node"/> on its connection; returns at once.</summary>
    public void Publish(int node, string topic, byte[] payload)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(_qos).Build();
        Interlocked.Increment(ref _inFlight);
        Task<MqttClientPublishResult> sent;
        try { sent = _clients[node % _clients.Length].PublishAsync(message, CancellationToken.None); }
        catch (Exception e)
        {
            Done(null, e);
            return;
        }
        if (sent.IsCompleted) Done(sent, null);
        else sent.ContinueWith(static (t, self) => ((FleetClients)self!).Done(t, null), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Done(Task<MqttClientPublishResult>? sent, Exception? thrown)
    {
        Exception? error = thrown ?? sent!.Exception?.GetBaseException();
        string? refused = error is null && sent!.IsCompletedSuccessfully && !sent.Result.IsSuccess ? $"broker answered {sent.Result.ReasonCode}" : null;
        if (error is not null || refused is not null || sent!.IsCanceled)
        {
            Interlocked.Increment(ref _failed);
            Interlocked.CompareExchange(ref _firstFailure, refused ?? error?.Message ?? "cancelled", null);
        }
        else Interlocked.Increment(ref _completed);
        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>Waits (up to <paramref name="limit"/>) until every message sent has completed.</summary>
    public async Task DrainAsync(TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (InFlight > 0 && DateTime.UtcNow < until) await Task.Delay(10).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            if (client is null) continue;
            try { if (client.IsConnected) await client.DisconnectAsync().ConfigureAwait(false); }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException) { }
            client.Dispose();
        }
    }
}
