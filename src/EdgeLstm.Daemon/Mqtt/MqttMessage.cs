namespace EdgeLstm.Daemon.Mqtt;

/// <summary>
/// A message for the broker: topic, payload, QoS, retain. A classification's message comes from
/// the publisher's <see cref="MqttMessagePool"/> and goes back to it once sent, refused, dropped
/// or spooled, so that publishing allocates nothing per message in steady state; its payload is
/// the first bytes of a buffer it keeps (made at the longest line its sink can write; grown only if
/// a longer one is reserved later, by a new stream). Configs, status and
/// messages restored from the spool are made once and not pooled.
/// </summary>
public sealed class MqttMessage
{
    private byte[] _buffer;
    private int _length;

    public MqttMessage(string topic, byte[] payload, int qos, bool retain)
    {
        Topic = topic;
        _buffer = payload;
        _length = payload.Length;
        Qos = qos;
        Retain = retain;
    }

    public string Topic { get; private set; }
    public ReadOnlyMemory<byte> Payload => _buffer.AsMemory(0, _length);
    public int Qos { get; private set; }
    public bool Retain { get; private set; }

    /// <summary>Whether the message belongs to a pool (and goes back to it when done).</summary>
    internal bool Pooled { get; init; }

    /// <summary>Makes a pooled message this one: the payload copied into the kept buffer, grown to at least <paramref name="reserved"/> when too small.</summary>
    internal void Fill(string topic, ReadOnlySpan<byte> payload, int qos, bool retain, int reserved)
    {
        if (_buffer.Length < payload.Length) _buffer = new byte[Math.Max(payload.Length, reserved)];
        payload.CopyTo(_buffer);
        _length = payload.Length;
        Topic = topic;
        Qos = qos;
        Retain = retain;
    }
}
