using System.Buffers;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Decoding;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Mqtt;
using EdgeLstm.Daemon.Samples;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeLstm.Daemon.Sources;

/// <summary>
/// Subscribes to topic filters on an MQTT broker (MQTTnet 5, the connection settings and failure
/// wording of the sink: <see cref="MqttConnector"/>) and decodes each message as a unit, like a
/// UDP datagram: text lines (one or many; a last line without '\n' ends at the message's end),
/// binary frames, or one JSON message (<see cref="JsonSampleDecoder"/>). Each topic is a stream
/// named by the source and the levels its filter's wildcards matched (<see cref="TopicFilter.StreamName"/>;
/// a frame's stream id is appended: `nodes/esp32-07/3`), with a decoder of its own, so one node's
/// garbage or header never touches another's.
/// Sessions: MQTT 5 with clean start off, a session expiry interval and a stable client id, so
/// the broker keeps the subscriptions and queues the QoS 1 messages that arrive while the gateway
/// restarts, and delivers them when it returns. The filters are subscribed at every connection
/// (at once again when the broker kept no session; retained messages only for a new subscription).
/// QoS 1 acknowledgement: a message is acknowledged only after all its samples are in the
/// pipeline's input stage (or dropped there and counted by its full-mode), never before, so an
/// acknowledged message cannot be lost by a stop or crash. The default full-mode for QoS 1 is
/// wait: while the stage is full the handler waits, the broker holds the rest (MQTT flow control:
/// at most its receive maximum unacknowledged per client) and nothing is dropped; the MQTT client
/// keeps its connection meanwhile (keep-alive is its own task), and a stalled pipeline is the stall
/// monitor's to report. A message that the stop interrupts is not acknowledged: the broker delivers
/// it again to the next run (at least once: samples of it accepted before the stop come twice).
/// With QoS 0 (or full-mode dropOldest/dropNewest configured) nothing waits and drops are counted.
/// Reconnection: the one backoff (<see cref="Backoff"/>); a lost connection counts in
/// source_outages, a reconnection in source_reopens, the failure is logged once per change of
/// reason, and after unhealthyAfterMs without a connection health is unhealthy with the reason.
/// A message on a topic none of the filters matches (a subscription an earlier configuration left
/// in the persistent session) is counted as garbage and logged once per topic; so are messages on
/// topics beyond the first <see cref="MaxTopics"/>.
/// </summary>
public sealed class MqttSource : Source
{
    /// <summary>Topics (streams) one source decodes; messages on further topics are counted as garbage (a bound on memory: a decoder each).</summary>
    public const int MaxTopics = 4096;

    private readonly MqttSourceOptions _options;
    private readonly TopicFilter[] _filters;
    private readonly int _qos;
    private readonly IReadOnlyList<int>? _streamLevels;
    private readonly MqttConnector _connector;
    private readonly Dictionary<string, Route?> _topics = new(StringComparer.Ordinal);

    /// <summary>A topic's decoder and the input queue of its stream's classifier worker.</summary>
    private sealed record Route(ISampleDecoder Decoder, BoundedStage<SampleBatch> Input);
    private volatile bool _stopping;
    private int _handlersRunning; // messages being decoded and handed over (MQTTnet runs one at a time; the count makes the stop's wait exact)
    private readonly TaskCompletionSource _handlersDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _full; // MaxTopics reached (logged once)

    /// <param name="streamLevels">0-based topic levels that name a stream; null or empty: the levels the wildcards matched.</param>
    public MqttSource(string name, InputFormat format, DecoderOptionsTemplate decoding, MqttSourceOptions options,
                      IReadOnlyList<TopicFilter> filters, int qos, IReadOnlyList<int>? streamLevels)
        : base(name, format, decoding)
    {
        _options = options;
        _filters = [.. filters];
        _qos = qos;
        _streamLevels = streamLevels;
        _connector = new MqttConnector(options, options.ClientIdFor(name));
        Link = new MqttLinkState(name, TimeSpan.FromMilliseconds(options.UnhealthyAfterMs), source: true);
    }

    /// <summary>The connection to the broker (state, connects, failures) and the messages received and acknowledged: for status and /metrics.</summary>
    public MqttLinkState Link { get; }

    public string ClientId => _connector.ClientId;

    /// <summary>"host:port" of the broker.</summary>
    public string Broker => _connector.Broker;

    /// <summary>QoS 1 waits for room (the broker holds the rest); QoS 0 drops the oldest (nothing can hold the rest).</summary>
    public override FullMode DefaultFullMode => _qos == 1 ? FullMode.Wait : FullMode.DropOldest;

    /// <summary>A fleet's streams share one source: each stream goes to a classifier worker of its own (they take the workers in turn).</summary>
    public override bool SpreadsStreams => true;

    public override async Task RunAsync(SourceContext context, CancellationToken stop)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var backoff = new Backoff(TimeSpan.FromMilliseconds(_options.ReconnectMinMs), TimeSpan.FromMilliseconds(_options.ReconnectMaxMs));
        var lost = new SemaphoreSlim(0);
        client.ApplicationMessageReceivedAsync += e => OnMessageAsync(e, context);
        client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected && !_stopping)
            {
                string reason = MqttConnector.LostReason(e);
                Interlocked.Increment(ref context.Counters.SourceOutages);
                if (Link.Lost(reason)) context.Log($"source '{Name}': connection to {_connector.Broker} lost: {reason}; reconnecting");
                lost.Release();
            }
            return Task.CompletedTask;
        };
        var options = _connector.Build(b => b
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)(_options.SessionExpiryMs / 1000)));
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (!client.IsConnected && !await TryConnectAsync(client, options, context, stop).ConfigureAwait(false))
                {
                    MarkHealth(context);
                    await Task.Delay(backoff.Next(), stop).ConfigureAwait(false);
                    continue;
                }
                backoff.Succeeded();
                context.SetUp();
                // Notice a lost connection at once (the event) or within a second (a connection that dies without one).
                await lost.WaitAsync(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            _stopping = true;
            if (client.IsConnected)
            {
                // A clean DISCONNECT keeps the session (its expiry interval stays the CONNECT's): the broker queues for the next run.
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (MqttConnector.IsConnectFailure(e))
                {
                    context.Log($"source '{Name}': clean disconnect failed: {e.Message}");
                }
            }
            Link.Disconnected();
            lost.Dispose();
            await HandlersDoneAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The stop waits for the message being handed over: a handler waiting at a full input stage
    /// returns when room appears or the stage completes (its batch then booked as dropped at stop),
    /// so every count is in before the pipeline reports. _stopping is set before this runs; the
    /// fences make the handler's decrement and this read see each other (one of them signals).
    /// </summary>
    private Task HandlersDoneAsync()
    {
        Interlocked.MemoryBarrier();
        return Volatile.Read(ref _handlersRunning) == 0 ? Task.CompletedTask : _handlersDone.Task;
    }

    /// <summary>Unhealthy once the broker has been unreachable longer than unhealthyAfterMs (0: never).</summary>
    private void MarkHealth(SourceContext context)
    {
        if (Link.UnhealthyAfter > TimeSpan.Zero && Link.DisconnectedFor is { } down && down > Link.UnhealthyAfter)
            context.SetDown($"broker {_connector.Broker} unreachable: {Link.LastFailure ?? "no connection yet"}");
    }

    private async Task<bool> TryConnectAsync(IMqttClient client, MqttClientOptions options, SourceContext context, CancellationToken stop)
    {
        try
        {
            var connack = await _connector.ConnectAsync(client, options, stop).ConfigureAwait(false);
            if (connack.ResultCode != MqttClientConnectResultCode.Success)
            {
                ConnectFailed(context, MqttConnector.ResultText(connack.ResultCode, connack.ReasonString));
                return false;
            }
            var subscribe = new MqttClientSubscribeOptionsBuilder();
            foreach (var f in _filters)
                subscribe.WithTopicFilter(new MqttTopicFilterBuilder().WithTopic(f.Filter)
                    .WithQualityOfServiceLevel(_qos == 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce)
                    .WithRetainHandling(MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly).Build());
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(MqttConnector.ConnectTimeout);
            var granted = await client.SubscribeAsync(subscribe.Build(), timeout.Token).ConfigureAwait(false);
            var refused = granted.Items.Where(i => i.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2).Select(i => $"{i.TopicFilter.Topic}: {i.ResultCode}").ToList();
            bool first = Link.Connects == 0;
            Link.Connect();
            if (!first) Interlocked.Increment(ref context.Counters.SourceReopens);
            context.Log($"source '{Name}': {(first ? "connected" : "reconnected")} to {_connector.Broker} as {_connector.ClientId} "
                        + $"({(connack.IsSessionPresent ? "the broker kept the session" : "new session")}), subscribed to {string.Join(", ", _filters.Select(f => f.Filter))} at QoS {_qos}");
            if (refused.Count > 0)
                context.Log($"source '{Name}': the broker refused the subscription of {string.Join("; ", refused)}: no messages from there");
            return true;
        }
        catch (Exception e) when (MqttConnector.IsConnectFailure(e))
        {
            stop.ThrowIfCancellationRequested();
            if (client.IsConnected)
            {
                // Connected but the subscription failed: drop the connection, and try it all again.
                try { await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false); }
                catch (Exception x) when (MqttConnector.IsConnectFailure(x)) { }
            }
            ConnectFailed(context, _connector.FailureOf(e));
            return false;
        }
    }

    private void ConnectFailed(SourceContext context, string reason)
    {
        if (Link.ConnectFailed(reason)) context.Log($"source '{Name}': cannot connect to {_connector.Broker}: {reason}; retrying with backoff");
    }

    /// <summary>One message: its topic's decoder over the payload, batches handed to the input stage, then (QoS 1) the acknowledgement.</summary>
    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e, SourceContext context)
    {
        Interlocked.Increment(ref _handlersRunning);
        try
        {
            await HandleAsync(e, context).ConfigureAwait(false);
        }
        finally
        {
            if (Interlocked.Decrement(ref _handlersRunning) == 0 && _stopping) _handlersDone.TrySetResult();
        }
    }

    private async Task HandleAsync(MqttApplicationMessageReceivedEventArgs e, SourceContext context)
    {
        var message = e.ApplicationMessage;
        bool acknowledge = message.QualityOfServiceLevel != MqttQualityOfServiceLevel.AtMostOnce;
        if (acknowledge) e.AutoAcknowledge = false;
        Link.Receive();
        var payload = message.Payload;
        Interlocked.Add(ref context.Counters.BytesReceived, payload.Length);
        if (payload.Length > 0) context.MarkData(System.Diagnostics.Stopwatch.GetTimestamp());
        bool accepted = true;
        try
        {
            var batch = Decode(message.Topic, payload, context);
            while (batch is not null)
            {
                if (!await BytePump.HandOverAsync(batch, _input!, context.FullMode).ConfigureAwait(false))
                {
                    accepted = false; // the stop: not acknowledged, the broker delivers it again to the next run
                    break;
                }
                batch = DecodeMore(context);
            }
        }
        catch (Exception x) when (x is not OperationCanceledException)
        {
            // A decoder's bug must not leave the message unacknowledged (the broker would stop sending
            // once its in-flight window is full): what was not consumed is counted, the failure logged.
            context.Counters.Reject(RejectReason.Incomplete, _rest.Length);
            _rest = default;
            _decoder = null;
            context.Log($"source '{Name}': a message on '{message.Topic}' failed in its decoder ({x.GetType().Name}: {x.Message}); its undecoded bytes are counted as incomplete");
        }
        if (acknowledge && accepted && !_stopping)
        {
            try
            {
                await e.AcknowledgeAsync(CancellationToken.None).ConfigureAwait(false);
                Link.Acknowledge();
            }
            catch (Exception x) when (MqttConnector.IsConnectFailure(x))
            {
                // The connection went meanwhile: the broker delivers the message again (a duplicate, never a loss).
            }
        }
    }

    // The message being decoded (the handler runs one message at a time): its decoder and what is left of it.
    private ISampleDecoder? _decoder;
    private BoundedStage<SampleBatch>? _input;
    private ReadOnlySequence<byte> _rest;
    private Arrival _arrival;

    /// <summary>
    /// Starts decoding a message: its first batch, or null when it gave none. A topic no filter
    /// matches gives none, its bytes counted as garbage (and acknowledged, so the broker does not
    /// deliver it again and again).
    /// </summary>
    private SampleBatch? Decode(string topic, ReadOnlySequence<byte> payload, SourceContext context)
    {
        _rest = default;
        var route = RouteOf(topic, context);
        _decoder = route?.Decoder;
        _input = route?.Input;
        if (_decoder is null)
        {
            Interlocked.Add(ref context.Counters.GarbageBytes, payload.Length);
            return null;
        }
        _rest = payload;
        _arrival = Arrival.Now();
        return DecodeMore(context);
    }

    /// <summary>The next batch of the current message; null when the message is done.</summary>
    private SampleBatch? DecodeMore(SourceContext context)
    {
        if (_decoder is null) return null;
        var batch = context.RentBatch();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var consumed = _decoder.Decode(_rest, batch, int.MaxValue, isFinal: true, _arrival);
        context.Counters.AddStageAllocation(allocated);
        _rest = _rest.Slice(consumed);
        if (batch.Count > 0) return batch;
        context.Batches.Return(batch);
        if (!_rest.IsEmpty)
        {
            // The decoders consume a final input whole; never leave bytes unaccounted.
            context.Counters.Reject(RejectReason.Incomplete, _rest.Length);
            _rest = default;
        }
        _decoder = null;
        return null;
    }

    /// <summary>The topic's decoder (made at its first message) and its stream's worker queue; null when no filter matches it.</summary>
    private Route? RouteOf(string topic, SourceContext context)
    {
        if (_topics.TryGetValue(topic, out var known)) return known;
        if (_topics.Count >= MaxTopics)
        {
            context.Counters.Reject(RejectReason.Garbage);
            if (!_full) context.Log($"source '{Name}': more than {MaxTopics} topics; messages on further ones (first '{topic}') are counted as garbage");
            _full = true;
            return null;
        }
        Span<Range> matched = stackalloc Range[16];
        Route? route = null;
        foreach (var f in _filters)
        {
            int n = f.Match(topic, matched);
            if (n < 0) continue;
            string stream = TopicFilter.StreamName(Name, topic, matched[..Math.Min(n, matched.Length)], _streamLevels);
            // By stream, not topic: two topics named as one stream (streamLevels) share its worker.
            route = new Route(CreateDecoder(context, recording: false, stream), context.InputOfStream(stream));
            break;
        }
        if (route is null)
        {
            context.Counters.Reject(RejectReason.Garbage);
            context.Log($"source '{Name}': a message on '{topic}', which none of its topics matches (a subscription an earlier configuration left in the persistent session?), counted as garbage; so are later ones there");
        }
        _topics[topic] = route;
        return route;
    }
}
