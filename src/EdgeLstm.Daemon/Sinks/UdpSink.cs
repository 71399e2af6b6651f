using System.Net;
using System.Net.Sockets;

namespace EdgeLstm.Daemon.Sinks;

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
