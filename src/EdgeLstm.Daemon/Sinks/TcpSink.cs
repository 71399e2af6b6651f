using System.Net.Sockets;

namespace EdgeLstm.Daemon.Sinks;

/// <summary>
/// JSON lines to a TCP peer (a client connection to host:port). When the peer is away the lines are
/// dropped (counted as sink errors) and the connection is retried with exponential backoff; a peer
/// that connects but stops reading holds a write for at most <see cref="SendTimeout"/>, then the
/// connection is dropped and retried the same way, so a stuck consumer never stalls the pipeline
/// (or the other sinks) for longer. Each outage is logged once, when it begins, and its end once.
/// </summary>
public sealed class TcpSink(string host, int port, Action<string> log) : ISink
{
    /// <summary>How long one write may wait for a peer that does not read.</summary>
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(1);

    private readonly SinkOutage _outage = new($"tcp:{host}:{port}", log, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
    private Socket? _socket;

    public string Name => $"tcp:{host}:{port}";

    public void Start() => TryConnect();

    public bool Write(in OutputBlock block)
    {
        if (_socket is null && !TryConnect()) return false;
        try
        {
            var lines = block.Lines;
            while (!lines.IsEmpty) lines = lines[_socket!.Send(lines)..];
            return true;
        }
        catch (SocketException e)
        {
            _outage.Down(e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock
                ? $"the peer read nothing for {SendTimeout.TotalSeconds:F0} s"
                : e.Message);
            Close();
            return false;
        }
    }

    public void Flush() { }

    private bool TryConnect()
    {
        if (_outage.Waiting) return false;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendTimeout = (int)SendTimeout.TotalMilliseconds };
        try
        {
            socket.Connect(host, port);
            _socket = socket;
            _outage.Up("connected again");
            return true;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            _outage.Down(e.Message);
            return false;
        }
    }

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
    }

    public void Dispose() => Close();
}
