using System.Net.Sockets;
using System.Text;

namespace EdgeLstm.Cli.Tests;

/// <summary>A NOTIFY_SOCKET owned by a test: the datagram socket systemd would listen on, collecting sd_notify messages.</summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly byte[] _buffer = new byte[4096];

    public NotifySocket()
    {
        Path = System.IO.Path.Combine(Directory.CreateTempSubdirectory("edgelstm-notify").FullName, "notify.sock");
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
    }

    public string Path { get; }

    /// <summary>The next message, or null when none came within the timeout.</summary>
    public string? Next(TimeSpan timeout)
    {
        _socket.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        try
        {
            int n = _socket.Receive(_buffer);
            return Encoding.UTF8.GetString(_buffer, 0, n);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            return null;
        }
    }

    /// <summary>Reads messages until one satisfies the condition; fails after the timeout.</summary>
    public string WaitFor(Func<string, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
            if (Next(deadline - DateTime.UtcNow) is { } m && condition(m)) return m;
        throw new TimeoutException($"no notify message {what} within {timeout}");
    }

    public void Dispose() => _socket.Dispose();
}
