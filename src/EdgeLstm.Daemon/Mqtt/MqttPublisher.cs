using System.Threading.Channels;
using EdgeLstm.Daemon.Flow;
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
/// unsent goes to the optional spool file and is sent first after the next start. The link's
/// state and every message's fate are in <see cref="Link"/>; a connection failure is logged with
/// its reason (the broker's CONNACK code, the TLS failure, the socket error) once per change of
/// reason, not at every retry.
/// </summary>
public sealed class MqttPublisher : IAsyncDisposable
{
    public const string Online = "online", Offline = "offline";

    private readonly MqttOptions _options;
    private readonly Action<string> _log;
    private readonly IMqttClient _client;
    private readonly Channel<MqttMessage> _queue;
    private readonly MqttMessagePool _pool;
    // Per stream, its state and label-change topics; per label, its event payload: made once, on the
    // sink's thread (the only caller of Publish and PublishLabelChange), so a message costs no string.
    private readonly Dictionary<string, (string State, string Event)> _topics = [];
    private readonly Dictionary<string, byte[]> _eventPayloads = [];
    private readonly Dictionary<string, MqttMessage[]> _discovery = [];
    private readonly List<MqttMessage> _announced = []; // configs of streams announced since the last send
    private readonly Lock _discoveryLock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Backoff _backoff;
    private MqttMessage? _inFlight;
    private Task? _loop;
    // _republishDiscovery: every config is due (connect, Home Assistant's birth); _announcedDue: only the newly announced ones.
    private volatile bool _republishDiscovery, _announcedDue, _stopping;
    private readonly MqttConnector _connector;

    /// <param name="name">Names the link in metrics and health; default the broker's host:port.</param>
    public MqttPublisher(MqttOptions options, Action<string>? log = null, string? name = null)
    {
        _options = options;
        _log = log ?? (_ => { });
        Link = new MqttLinkState(name ?? $"{options.Host}:{options.Port}", TimeSpan.FromMilliseconds(options.UnhealthyAfterMs));
        _client = new MqttClientFactory().CreateMqttClient();
        _connector = new MqttConnector(options, options.EffectiveClientId);
        _queue = Channel.CreateBounded<MqttMessage>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: we count the drop
            SingleReader = true,
        });
        _pool = new MqttMessagePool(options.QueueCapacity + 1);
        _backoff = new Backoff(TimeSpan.FromMilliseconds(options.ReconnectMinMs), TimeSpan.FromMilliseconds(options.ReconnectMaxMs));
        _client.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == HomeAssistantDiscovery.BirthTopic(_options)
                && e.ApplicationMessage.ConvertPayloadToString() == Online)
                _republishDiscovery = true;
            return Task.CompletedTask;
        };
        _client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected && !_stopping)
            {
                string reason = MqttConnector.LostReason(e);
                if (Link.Lost(reason)) _log($"mqtt: connection to {_options.Host}:{_options.Port} lost: {reason}");
            }
            return Task.CompletedTask;
        };
    }

    /// <summary>The link's state and message counts, for health, metrics and status.</summary>
    public MqttLinkState Link { get; }

    public bool IsConnected => _client.IsConnected;
    public long Published => Link.Published;
    /// <summary>Messages lost for any reason (queue full, unsent at stop without a spool, refused by the broker).</summary>
    public long Dropped => Link.Dropped;
    public long Queued => Link.Queued;

    /// <summary>Successful connections; the first is the start, the rest are reconnections.</summary>
    public long Connects => Link.Connects;
    public long ConnectFailures => Link.ConnectFailures;
    public long RestoredFromSpool => Link.Restored;
    public long Spooled => Link.Spooled;

    /// <summary>Starts connecting in the background (a broker that is down at start is not an error) after loading the spool.</summary>
    public void Start()
    {
        if (_options.SpoolFile is { } spool)
        {
            var (messages, damaged) = MessageSpool.Take(spool);
            Link.Restore(messages.Count);
            foreach (var m in messages) Enqueue(m);
            if (messages.Count > 0 || damaged > 0) _log($"mqtt: {messages.Count} messages restored from {spool}" + (damaged > 0 ? $", {damaged} damaged bytes skipped" : ""));
        }
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Queues a classification for the stream's topic, retained (so a subscriber arriving later,
    /// Home Assistant after a restart say, has the current state at once); false (and counted)
    /// when the queue is full or the publisher stopped.
    /// </summary>
    public bool Publish(string stream, ReadOnlySpan<byte> payload) =>
        Enqueue(_pool.Rent(TopicsOf(stream).State, payload, _options.Qos, retain: true));

    /// <summary>Queues a label change for the stream's Home Assistant event entity (not retained); false without discovery.</summary>
    public bool PublishLabelChange(string stream, string label)
    {
        if (!_options.HomeAssistantDiscovery) return false;
        if (!_eventPayloads.TryGetValue(label, out var payload)) _eventPayloads[label] = payload = HomeAssistantDiscovery.EventPayload(label);
        return Enqueue(_pool.Rent(TopicsOf(stream).Event, payload, _options.Qos, retain: false));
    }

    /// <summary>
    /// Prepares a stream before its first message: its topics, its labels' event payloads, and
    /// pooled buffers of its longest payload, so that publishing it allocates nothing afterwards.
    /// </summary>
    public void Prepare(string stream, IReadOnlyList<string> labels, int longestPayload)
    {
        TopicsOf(stream);
        if (_options.HomeAssistantDiscovery)
            foreach (var label in labels)
                if (!_eventPayloads.ContainsKey(label)) _eventPayloads[label] = HomeAssistantDiscovery.EventPayload(label);
        _pool.ReservePayload(longestPayload);
    }

    /// <summary>Messages the pool has made: flat in steady state (the allocation tests read it).</summary>
    public long MessagesCreated => _pool.Created;

    private (string State, string Event) TopicsOf(string stream)
    {
        if (!_topics.TryGetValue(stream, out var topics))
            _topics[stream] = topics = (_options.TopicFor(stream), HomeAssistantDiscovery.EventTopic(_options, stream));
        return topics;
    }

    /// <summary>
    /// Announces a stream to Home Assistant (once per stream; again after every reconnect and Home
    /// Assistant restart). Its configs go out before any message queued after this call.
    /// </summary>
    public void Announce(string stream, string modelName, string version, IReadOnlyList<string> labels)
    {
        if (!_options.HomeAssistantDiscovery) return;
        lock (_discoveryLock)
        {
            if (_discovery.ContainsKey(stream)) return;
            var configs = HomeAssistantDiscovery.ConfigsFor(_options, stream, modelName, version, labels);
            _discovery[stream] = configs;
            _announced.AddRange(configs);
        }
        _announcedDue = true;
    }

    public bool Enqueue(MqttMessage message)
    {
        Link.Enqueued(); // before the write, so the reader's decrement never finds the gauge below zero
        if (_queue.Writer.TryWrite(message)) return true;
        Link.Dequeued();
        if (_stopping) Link.DropAtStop(1);
        else Link.DropQueueFull();
        _pool.Return(message);
        return false;
    }

    /// <summary>
    /// Sends what is queued (for up to drainTimeout), says "offline" and disconnects cleanly (so
    /// the broker does not fire the will); spools whatever is left. With nothing left to send it
    /// does not wait, connected or not.
    /// </summary>
    public async Task StopAsync(TimeSpan drainTimeout)
    {
        _stopping = true;
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            // Nothing queued or in flight (the usual case while the broker is away): no drain to wait for.
            if (!_queue.Reader.Completion.IsCompleted || Volatile.Read(ref _inFlight) is not null)
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
        Link.Disconnected();
        var left = new List<MqttMessage>();
        if (_inFlight is not null) left.Add(_inFlight);
        _inFlight = null;
        while (_queue.Reader.TryRead(out var m))
        {
            left.Add(m);
            Link.Dequeued();
        }
        if (left.Count == 0) return;
        if (_options.SpoolFile is { } spool)
        {
            MessageSpool.Save(spool, left);
            Link.Spool(left.Count);
            _log($"mqtt: {left.Count} unsent messages spooled to {spool}");
        }
        else
        {
            Link.DropAtStop(left.Count);
            _log($"mqtt: {left.Count} unsent messages dropped at stop (no spoolFile configured)");
        }
        foreach (var m in left) _pool.Return(m);
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
                if (DiscoveryDue) await PublishDiscoveryAsync(token).ConfigureAwait(false);
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
                    Link.Dequeued();
                }
                // A stream announced while we waited: its configs before its first state (the
                // announcement's flag is set before the state is queued, so it is seen here).
                if (DiscoveryDue)
                {
                    await PublishDiscoveryAsync(token).ConfigureAwait(false);
                    if (DiscoveryDue) continue; // connection lost midway: reconnect, configs again, then the message
                }
                switch (await TrySendAsync(_inFlight, token).ConfigureAwait(false))
                {
                    case Sent.Acknowledged:
                        _pool.Return(_inFlight);
                        _inFlight = null;
                        Link.Sent();
                        break;
                    case Sent.Refused:
                        _pool.Return(_inFlight);
                        _inFlight = null;
                        Link.DropRefused();
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private enum Sent { Acknowledged, Retry, Refused }

    private async Task<Sent> TrySendAsync(MqttMessage message, CancellationToken token)
    {
        try
        {
            var result = await _client.PublishAsync(Build(message), token).ConfigureAwait(false);
            if (result.IsSuccess) return Sent.Acknowledged;
            // A publish cut off by a lost connection can also end in a failed result rather than an
            // exception: then it was not refused, and goes again after reconnecting.
            if (!_client.IsConnected) return Sent.Retry;
            // The broker refused this message (e.g. not authorized for the topic): retrying will not help.
            _log($"mqtt: broker refused a message on {message.Topic}: {result.ReasonCode} {result.ReasonString}");
            return Sent.Refused;
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Adapter.MqttConnectingFailedException
                                      or InvalidOperationException or OperationCanceledException && !token.IsCancellationRequested)
        {
            // Connection lost before the acknowledgement: keep the message and send it again after reconnecting.
            return Sent.Retry;
        }
    }

    private async Task<bool> TryConnectAsync(CancellationToken token)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(MqttConnector.ConnectTimeout);
            var connack = await _connector.ConnectAsync(_client, BuildOptions(), timeout.Token).ConfigureAwait(false);
            if (connack.ResultCode != MqttClientConnectResultCode.Success)
            {
                // The broker answered and refused us (credentials, client id, authorization): its reason code says why.
                ConnectFailed(MqttConnector.ResultText(connack.ResultCode, connack.ReasonString));
                return false;
            }
            await _client.PublishAsync(Status(Online), timeout.Token).ConfigureAwait(false);
            if (_options.HomeAssistantDiscovery)
            {
                await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter(HomeAssistantDiscovery.BirthTopic(_options), MqttQualityOfServiceLevel.AtLeastOnce).Build(), timeout.Token).ConfigureAwait(false);
                _republishDiscovery = true;
            }
            Link.Connect();
            long n = Link.Connects;
            _backoff.Succeeded();
            _log(n == 1 ? $"mqtt: connected to {_options.Host}:{_options.Port}" : $"mqtt: reconnected to {_options.Host}:{_options.Port} (connection {n})");
            return true;
        }
        catch (Exception e) when (MqttConnector.IsConnectFailure(e))
        {
            token.ThrowIfCancellationRequested();
            ConnectFailed(_connector.FailureOf(e));
            return false;
        }
    }

    private void ConnectFailed(string reason)
    {
        if (Link.ConnectFailed(reason)) _log($"mqtt: cannot connect to {_options.Host}:{_options.Port}: {reason}");
    }

    private bool DiscoveryDue => _republishDiscovery || _announcedDue;

    /// <summary>Every config when all are due, else those of the streams announced since the last send.</summary>
    private async Task PublishDiscoveryAsync(CancellationToken token)
    {
        MqttMessage[] configs;
        lock (_discoveryLock)
        {
            bool all = _republishDiscovery;
            _republishDiscovery = _announcedDue = false; // cleared before the snapshot: a later request is not lost
            configs = all ? [.. _discovery.Values.SelectMany(c => c)] : [.. _announced];
            _announced.Clear();
        }
        foreach (var config in configs)
        {
            var sent = await TrySendAsync(config, token).ConfigureAwait(false);
            if (sent == Sent.Retry)
            {
                _republishDiscovery = true;
                return;
            }
            if (sent == Sent.Refused) Link.DropRefused();
        }
    }

    private MqttApplicationMessage Status(string state) => Build(new MqttMessage(_options.StatusTopicResolved, System.Text.Encoding.UTF8.GetBytes(state), 1, retain: true));

    private static MqttApplicationMessage Build(MqttMessage m) => new MqttApplicationMessageBuilder()
        .WithTopic(m.Topic)
        .WithPayloadSegment(m.Payload) // referenced, not copied: the message is not reused before the publish returns
        .WithQualityOfServiceLevel(m.Qos == 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce)
        .WithRetainFlag(m.Retain)
        .Build();

    private MqttClientOptions BuildOptions() => _connector.Build(b => b
        .WithCleanSession(true)
        .WithWillTopic(_options.StatusTopicResolved)
        .WithWillPayload(Offline)
        .WithWillRetain(true)
        .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
}
