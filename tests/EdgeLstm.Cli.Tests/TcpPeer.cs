using System.Net;
using System.Net.Sockets;

namespace EdgeLstm.Cli.Tests;

/// <summary>A sensor node on TCP loopback: connects to the daemon's listening source and writes bytes.</summary>
internal sealed class TcpPeer : IDisposable
{
    private readonly Socket _socket;
    private int _disposed;

    private TcpPeer(Socket socket) => _socket = socket;

    /// <summary>A port that was free a moment ago (bound to port 0, then released).</summary>
    public static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>Connects, retrying until the daemon listens (it binds when its pipeline starts).</summary>
    public static TcpPeer Connect(int port, DaemonProcess daemon, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Connect(IPAddress.Loopback, port);
                return new TcpPeer(socket);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                socket.Dispose();
                daemon.WaitUntil(_ => true, timeout, "the listening source"); // fails at once if it exited
                Thread.Sleep(100);
            }
        }
    }

    public void Send(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty) bytes = bytes[_socket.Send(bytes)..];
    }

    public void Send(string text) => Send(System.Text.Encoding.ASCII.GetBytes(text));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
        _socket.Dispose();
    }
}
