using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EdgeLstm.Daemon.Sinks;

/// <summary>
/// JSON lines to a TCP peer (a client connection to host:port). When the peer is away the lines are
/// dropped (counted as sink errors) and the connection is retried with exponential backoff, so a
/// missing consumer never blocks classification.
/// </summary>
public sealed class TcpSink(string host, int port, Action<string> log) : ISink
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private Socket? _socket;
    private long _retryAt;
    private TimeSpan _backoff = TimeSpan.FromMilliseconds(250);

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
            log($"sink {Name}: {e.Message}; reconnecting");
            Close();
            return false;
        }
    }

    public void Flush() { }

    private bool TryConnect()
    {
        if (Stopwatch.GetTimestamp() < _retryAt) return false;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(host, port);
            _socket = socket;
            _backoff = TimeSpan.FromMilliseconds(250);
            return true;
        }
        catch (SocketException)
        {
            socket.Dispose();
            _retryAt = Stopwatch.GetTimestamp() + (long)(_backoff.TotalSeconds * Stopwatch.Frequency);
            _backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, _backoff.Ticks * 2));
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

/// <summary>JSON lines as UDP datagrams, one line per datagram, to host:port (loopback by default).</summary>
public sealed class UdpSink : ISink
{
    private readonly Socket _socket;
    private readonly string _name;

    public UdpSink(string host, int port)
    {
        _name = $"udp:{host}:{port}";
        var address = IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host)[0];
        _socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Connect(new IPEndPoint(address, port));
    }

    public string Name => _name;

    public bool Write(in OutputBlock block)
    {
        bool ok = true;
        for (int i = 0; i < block.Count; i++)
        {
            try { _socket.Send(block.Line(i)); }
            catch (SocketException) { ok = false; } // nobody listening (ICMP refused): datagrams are fire and forget
        }
        return ok;
    }

    public void Flush() { }

    public void Dispose() => _socket.Dispose();
}
