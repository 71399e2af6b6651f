using System.Diagnostics;
using System.Text.Json;

namespace EdgeLstm.Daemon.Mqtt;

/// <summary>
/// What an MQTT client's link to its broker looks like right now, readable from any thread
/// (health, /metrics, status): connected or since when not and why, connection counts, and
/// every message's fate counted once, in messages (never per block): for a sink's publisher the
/// queue depth and published, dropped, spooled; for a source's subscriber received and
/// acknowledged (<paramref name="source"/>). Updated by its client with interlocked operations;
/// nothing here allocates per message.
/// </summary>
public sealed class MqttLinkState(string name, TimeSpan unhealthyAfter, bool source = false)
{
    private long _connects, _connectFailures, _published, _queued, _droppedQueueFull, _droppedAtStop, _droppedRefused, _spooled, _restored;
    private long _received, _acknowledged;
    private long _disconnectedSince = Stopwatch.GetTimestamp(); // 0 while connected
    private volatile bool _connected;
    private volatile string? _lastFailure;
    private string? _sinceConnect; // the failure reason last reported since the last connection (logged once per change)

    /// <summary>Names the sink in metrics labels and health reasons (its broker's host:port unless configured otherwise).</summary>
    public string Name { get; } = name;

    /// <summary>Health turns unhealthy after this long disconnected; zero or less never.</summary>
    public TimeSpan UnhealthyAfter { get; } = unhealthyAfter;

    /// <summary>Where this link's lost messages are counted too (the pipeline's sink_errors), if anywhere.</summary>
    internal Action<long>? OnLost { get; set; }

    public bool Connected => _connected;
    public long Connects => Interlocked.Read(ref _connects);
    public long ConnectFailures => Interlocked.Read(ref _connectFailures);
    public long Published => Interlocked.Read(ref _published);
    /// <summary>Messages waiting in the memory queue (a gauge; the one in flight is not counted).</summary>
    public long Queued => Interlocked.Read(ref _queued);
    /// <summary>New messages refused because the queue was full.</summary>
    public long DroppedQueueFull => Interlocked.Read(ref _droppedQueueFull);
    /// <summary>Messages unsent at stop with no spool file to keep them, or offered after the stop.</summary>
    public long DroppedAtStop => Interlocked.Read(ref _droppedAtStop);
    /// <summary>Messages the broker refused (e.g. not authorized for the topic); retrying would not help.</summary>
    public long DroppedRefused => Interlocked.Read(ref _droppedRefused);
    public long Dropped => DroppedQueueFull + DroppedAtStop + DroppedRefused;
    /// <summary>Messages written to the spool file at stop.</summary>
    public long Spooled => Interlocked.Read(ref _spooled);
    /// <summary>Messages read back from the spool file at start.</summary>
    public long Restored => Interlocked.Read(ref _restored);

    /// <summary>True for a source's link (it subscribes), false for a sink's (it publishes).</summary>
    public bool IsSource => source;

    /// <summary>Source: messages delivered by the broker.</summary>
    public long Received => Interlocked.Read(ref _received);
    /// <summary>Source: QoS 1 messages acknowledged, once their samples were in the pipeline.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Why the last connection attempt failed or the connection was lost; null before any failure.</summary>
    public string? LastFailure => _lastFailure;

    /// <summary>How long the link has been down (since the start if it never connected); null while connected.</summary>
    public TimeSpan? DisconnectedFor
    {
        get
        {
            long since = Interlocked.Read(ref _disconnectedSince);
            return _connected || since == 0 ? null : Stopwatch.GetElapsedTime(since);
        }
    }

    internal void Connect()
    {
        Interlocked.Increment(ref _connects);
        Interlocked.Exchange(ref _disconnectedSince, 0);
        Volatile.Write(ref _sinceConnect, null);
        _connected = true;
    }

    /// <summary>Our own clean disconnect at stop: down from now, with the last failure unchanged.</summary>
    internal void Disconnected()
    {
        _connected = false;
        Interlocked.CompareExchange(ref _disconnectedSince, Stopwatch.GetTimestamp(), 0);
    }

    /// <summary>A connection attempt failed; true when the reason differs from the last failure's (log it then, not every retry).</summary>
    internal bool ConnectFailed(string reason)
    {
        Interlocked.Increment(ref _connectFailures);
        return Failed(reason);
    }

    /// <summary>An established connection ended; true when the reason differs from the last failure's.</summary>
    internal bool Lost(string reason) => Failed(reason);

    internal void Receive() => Interlocked.Increment(ref _received);
    internal void Acknowledge() => Interlocked.Increment(ref _acknowledged);

    internal void Enqueued(long n = 1) => Interlocked.Add(ref _queued, n);
    internal void Dequeued(long n = 1) => Interlocked.Add(ref _queued, -n);
    internal void Sent() => Interlocked.Increment(ref _published);
    internal void Restore(long n) => Interlocked.Add(ref _restored, n);
    internal void Spool(long n) => Interlocked.Add(ref _spooled, n);

    internal void DropQueueFull() => Drop(ref _droppedQueueFull, 1);
    internal void DropAtStop(long n) => Drop(ref _droppedAtStop, n);
    internal void DropRefused() => Drop(ref _droppedRefused, 1);

    /// <summary>This link as one JSON object (an element of the status report's "mqtt" array).</summary>
    public void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString(source ? "source" : "sink", Name);
        w.WriteBoolean("connected", Connected);
        if (DisconnectedFor is { } down) w.WriteNumber("disconnected_s", Math.Round(down.TotalSeconds, 1));
        if (LastFailure is { } failure) w.WriteString("last_failure", failure);
        w.WriteNumber("connects", Connects);
        w.WriteNumber("connect_failures", ConnectFailures);
        if (source)
        {
            w.WriteNumber("received", Received);
            w.WriteNumber("acknowledged", Acknowledged);
            w.WriteEndObject();
            return;
        }
        w.WriteNumber("queued", Queued);
        w.WriteNumber("published", Published);
        w.WriteStartObject("dropped");
        w.WriteNumber("queue_full", DroppedQueueFull);
        w.WriteNumber("at_stop", DroppedAtStop);
        w.WriteNumber("refused", DroppedRefused);
        w.WriteEndObject();
        w.WriteNumber("spooled", Spooled);
        w.WriteNumber("restored", Restored);
        w.WriteEndObject();
    }

    private bool Failed(string reason)
    {
        _connected = false;
        Interlocked.CompareExchange(ref _disconnectedSince, Stopwatch.GetTimestamp(), 0);
        _lastFailure = reason;
        return !string.Equals(Interlocked.Exchange(ref _sinceConnect, reason), reason, StringComparison.Ordinal);
    }

    private void Drop(ref long counter, long n)
    {
        if (n <= 0) return;
        Interlocked.Add(ref counter, n);
        OnLost?.Invoke(n);
    }
}
