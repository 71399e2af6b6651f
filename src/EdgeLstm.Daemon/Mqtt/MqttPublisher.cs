using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeLstm.Daemon.Mqtt;

/// <summary>
/// Keeps one MQTTnet client connected to the broker and drains a bounded queue into it.
/// MQTTnet 5 has no managed client, so reconnection is ours: exponential backoff, then on every
/// (re)connect the retained "online" status, the Home Assistant discovery configs and the
/// subscription to Home Assistant's birth topic. The broker holds our last will ("offline",
/// retained) for the moment we vanish without saying goodbye. With QoS 1 a message leaves the
/// queue only once the broker acknowledged it, so a broker outage loses nothing within the
/// queue's capacity; beyond it new messages are dropped and counted. On stop, whatever is still
/// unsent goes to the optional spool file and is sent first after the next start.
/// </summary>
public sealed class MqttPublisher : IAsyncDisposable
{
    public const string Online = "online", Offline = "offline";

    private readonly MqttOptions _options;
    private readonly Action<string> _log;
    private readonly IMqttClient _client;
    private readonly Channel<MqttMessage> _queue;
    private readonly Dictionary<string, MqttMessage> _discovery = [];
    private readonly Lock _discoveryLock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Backoff _backoff;
    private MqttMessage? _inFlight;
    private Task? _loop;
    private volatile bool _republishDiscovery;
    private long _published, _dropped, _connects, _connectFailures, _restored, _spooled, _queued;

    public MqttPublisher(MqttOptions options, Action<string>? log = null)
    {
        _options = options;
        _log = log ?? (_ => { });
        _client = new MqttClientFactory().CreateMqttClient();
        _queue = Channel.CreateBounded<MqttMessage>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: we count the drop
            SingleReader = true,
        });
        _backoff = new Backoff(TimeSpan.FromSeconds(options.ReconnectMinSeconds), TimeSpan.FromSeconds(options.ReconnectMaxSeconds));
        _client.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == HomeAssistantDiscovery.BirthTopic(_options)
                && e.ApplicationMessage.ConvertPayloadToString() == Online)
                _republishDiscovery = true;
            return Task.CompletedTask;
        };
    }

    public bool IsConnected => _client.IsConnected;
    public long Published => Interlocked.Read(ref _published);
    public long Dropped => Interlocked.Read(ref _dropped);
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Successful connections; the first is the start, the rest are reconnections.</summary>
    public long Connects => Interlocked.Read(ref _connects);
    public long ConnectFailures => Interlocked.Read(ref _connectFailures);
    public long RestoredFromSpool => Interlocked.Read(ref _restored);
    public long Spooled => Interlocked.Read(ref _spooled);

    /// <summary>Starts connecting in the background (a broker that is down at start is not an error) after loading the spool.</summary>
    public void Start()
    {
        if (_options.SpoolFile is { } spool)
        {
            var (messages, damaged) = MessageSpool.Take(spool);
            foreach (var m in messages) Enqueue(m);
            Interlocked.Add(ref _restored, messages.Count);
            if (messages.Count > 0 || damaged > 0) _log($"mqtt: {messages.Count} messages restored from {spool}" + (damaged > 0 ? $", {damaged} damaged bytes skipped" : ""));
        }
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues a classification for the stream's topic; false (and counted) when the queue is full.</summary>
    public bool Publish(string stream, byte[] payload) =>
        Enqueue(new MqttMessage(_options.TopicFor(stream), payload, _options.Qos, Retain: false));

    /// <summary>Announces a stream to Home Assistant (once per stream; again after every reconnect and Home Assistant restart).</summary>
    public void Announce(string stream, string modelName, string version)
    {
        if (!_options.HomeAssistantDiscovery) return;
        lock (_discoveryLock)
        {
            if (_discovery.ContainsKey(stream)) return;
            _discovery[stream] = HomeAssistantDiscovery.ConfigFor(_options, stream, modelName, version);
        }
        _republishDiscovery = true;
    }

    public bool Enqueue(MqttMessage message)
    {
        if (_queue.Writer.TryWrite(message))
        {
            Interlocked.Increment(ref _queued);
            return true;
        }
        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>
    /// Sends what is queued (for up to drainTimeout while connected), says "offline" and
    /// disconnects cleanly (so the broker does not fire the will); spools whatever is left.
    /// </summary>
    public async Task StopAsync(TimeSpan drainTimeout)
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await Task.WhenAny(_loop, Task.Delay(drainTimeout)).ConfigureAwait(false);
            await _stop.CancelAsync().ConfigureAwait(false);
            try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
        if (_client.IsConnected)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _client.PublishAsync(Status(Offline), timeout.Token).ConfigureAwait(false);
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
            {
                _log($"mqtt: clean disconnect failed: {e.Message}");
            }
        }
        var left = new List<MqttMessage>();
        if (_inFlight is not null) left.Add(_inFlight);
        while (_queue.Reader.TryRead(out var m)) left.Add(m);
        if (left.Count == 0) return;
        if (_options.SpoolFile is { } spool)
        {
            MessageSpool.Save(spool, left);
            Interlocked.Add(ref _spooled, left.Count);
            _log($"mqtt: {left.Count} unsent messages spooled to {spool}");
        }
        else
        {
            Interlocked.Add(ref _dropped, left.Count);
            _log($"mqtt: {left.Count} unsent messages dropped at stop (no spoolFile configured)");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_loop is not null && !_loop.IsCompleted) await StopAsync(TimeSpan.Zero).ConfigureAwait(false);
        _client.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                if (!_client.IsConnected)
                {
                    if (!await TryConnectAsync(token).ConfigureAwait(false))
                    {
                        await Task.Delay(_backoff.Next(), token).ConfigureAwait(false);
                        continue;
                    }
                }
                if (_republishDiscovery) await PublishDiscoveryAsync(token).ConfigureAwait(false);
                if (_inFlight is null)
                {
                    // Wake up for new messages, and at least every second to notice lost connections and discovery requests.
                    using var tick = CancellationTokenSource.CreateLinkedTokenSource(token);
                    tick.CancelAfter(TimeSpan.FromSeconds(1));
                    try
                    {
                        if (!await _queue.Reader.WaitToReadAsync(tick.Token).ConfigureAwait(false)) return; // completed and drained
                    }
                    catch (OperationCanceledException) when (!token.IsCancellationRequested)
                    {
                        continue;
                    }
                    if (!_queue.Reader.TryRead(out _inFlight)) continue;
                    Interlocked.Decrement(ref _queued);
                }
                if (await TrySendAsync(_inFlight, token).ConfigureAwait(false))
                {
                    _inFlight = null;
                    Interlocked.Increment(ref _published);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> TrySendAsync(MqttMessage message, CancellationToken token)
    {
        try
        {
            var result = await _client.PublishAsync(Build(message), token).ConfigureAwait(false);
            if (result.IsSuccess) return true;
            // A publish cut off by a lost connection can also end in a failed result rather than an
            // exception: then it was not refused, and goes again after reconnecting.
            if (!_client.IsConnected) return false;
            // The broker refused this message (e.g. not authorized for the topic): retrying will not help.
            _log($"mqtt: broker refused a message on {message.Topic}: {result.ReasonCode} {result.ReasonString}");
            Interlocked.Increment(ref _dropped);
            _inFlight = null;
            return false;
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Adapter.MqttConnectingFailedException
                                      or InvalidOperationException or OperationCanceledException && !token.IsCancellationRequested)
        {
            // Connection lost before the acknowledgement: keep the message and send it again after reconnecting.
            return false;
        }
    }

    private async Task<bool> TryConnectAsync(CancellationToken token)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await _client.ConnectAsync(BuildOptions(), timeout.Token).ConfigureAwait(false);
            await _client.PublishAsync(Status(Online), timeout.Token).ConfigureAwait(false);
            if (_options.HomeAssistantDiscovery)
            {
                await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter(HomeAssistantDiscovery.BirthTopic(_options), MqttQualityOfServiceLevel.AtLeastOnce).Build(), timeout.Token).ConfigureAwait(false);
                _republishDiscovery = true;
            }
            long n = Interlocked.Increment(ref _connects);
            _backoff.Succeeded();
            _log(n == 1 ? $"mqtt: connected to {_options.Host}:{_options.Port}" : $"mqtt: reconnected to {_options.Host}:{_options.Port} (connection {n})");
            return true;
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Adapter.MqttConnectingFailedException
                                      or OperationCanceledException or InvalidOperationException or System.Net.Sockets.SocketException
                                      or System.Security.Authentication.AuthenticationException)
        {
            token.ThrowIfCancellationRequested();
            if (Interlocked.Increment(ref _connectFailures) == 1 || _connects > 0 && _connectFailures % 10 == 1)
                _log($"mqtt: cannot connect to {_options.Host}:{_options.Port}: {e.Message}");
            return false;
        }
    }

    private async Task PublishDiscoveryAsync(CancellationToken token)
    {
        _republishDiscovery = false;
        MqttMessage[] configs;
        lock (_discoveryLock) configs = [.. _discovery.Values];
        foreach (var config in configs)
        {
            if (!await TrySendAsync(config, token).ConfigureAwait(false))
            {
                _republishDiscovery = true;
                return;
            }
        }
    }

    private MqttApplicationMessage Status(string state) => Build(new MqttMessage(_options.StatusTopicResolved, System.Text.Encoding.UTF8.GetBytes(state), 1, Retain: true));

    private static MqttApplicationMessage Build(MqttMessage m) => new MqttApplicationMessageBuilder()
        .WithTopic(m.Topic)
        .WithPayload(m.Payload)
        .WithQualityOfServiceLevel(m.Qos == 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce)
        .WithRetainFlag(m.Retain)
        .Build();

    private MqttClientOptions BuildOptions()
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithClientId(_options.EffectiveClientId)
            .WithCleanSession(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(_options.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(_options.StatusTopicResolved)
            .WithWillPayload(Offline)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (_options.Username is not null) builder.WithCredentials(_options.Username, _options.Password ?? "");
        if (_options.Tls)
        {
            builder.WithTlsOptions(tls =>
            {
                tls.UseTls(true).WithTargetHost(_options.Host);
                if (_options.AllowUntrustedCertificates)
                {
                    tls.WithAllowUntrustedCertificates(true).WithIgnoreCertificateChainErrors(true).WithCertificateValidationHandler(_ => true);
                }
                else if (_options.CaFile is { } ca)
                {
                    var chain = new X509Certificate2Collection();
                    chain.ImportFromPemFile(ca);
                    tls.WithTrustChain(chain);
                }
            });
        }
        return builder.Build();
    }
}
