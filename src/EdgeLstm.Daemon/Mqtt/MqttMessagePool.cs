namespace EdgeLstm.Daemon.Mqtt;

/// <summary>
/// Reused classification messages for one publisher. Keeps at most <c>capacity</c> free messages
/// (the queue's capacity and the one in flight, so a full queue drained by the broker returns every
/// one); a new message is made only while the pool warms up. Each payload buffer is made at the
/// longest line reserved so far (<see cref="ReservePayload"/>), so it is not outgrown in steady
/// state. Rented on the sink's thread, returned on the sender's: a lock, held for a push or a pop.
/// </summary>
internal sealed class MqttMessagePool(int capacity)
{
    private const int InitialPayload = 256; // a JSON line with scores of a dozen labels fits
    private readonly Stack<MqttMessage> _free = new(capacity);
    private readonly Lock _lock = new();
    private long _created;
    private int _payloadBytes = InitialPayload;

    /// <summary>Messages made so far: flat once warm.</summary>
    public long Created => Interlocked.Read(ref _created);

    /// <summary>Makes every new or grown buffer hold at least this many bytes (the sink's longest possible line).</summary>
    public void ReservePayload(int bytes) => _payloadBytes = Math.Max(_payloadBytes, bytes);

    public MqttMessage Rent(string topic, ReadOnlySpan<byte> payload, int qos, bool retain)
    {
        MqttMessage? message;
        lock (_lock) _free.TryPop(out message);
        if (message is null)
        {
            message = new MqttMessage(topic, new byte[Math.Max(_payloadBytes, payload.Length)], qos, retain) { Pooled = true };
            Interlocked.Increment(ref _created);
        }
        message.Fill(topic, payload, qos, retain, _payloadBytes);
        return message;
    }

    /// <summary>Takes a message back once it is done with; a message from elsewhere (configs, the spool) is let go.</summary>
    public void Return(MqttMessage? message)
    {
        if (message is not { Pooled: true }) return;
        lock (_lock)
            if (_free.Count < capacity) _free.Push(message);
    }
}
