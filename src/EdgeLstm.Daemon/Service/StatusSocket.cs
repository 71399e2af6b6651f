using System.Net.Sockets;
using System.Text;

namespace EdgeLstm.Daemon.Service;

/// <summary>
/// A Unix stream socket (by default in systemd's RuntimeDirectory, /run/edgelstm/status.sock) that
/// answers every connection with the service's metrics and health, then closes: what
/// `edgelstm status` reads. Always on, unlike the HTTP endpoint, and reachable only through the
/// file system's permissions.
/// </summary>
public sealed class StatusSocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly string _path;
    private readonly Func<string> _report;

    public StatusSocket(string path, Func<string> report)
    {
        _path = path;
        _report = report;
    }

    /// <summary>The default path: systemd's RUNTIME_DIRECTORY when set, else none.</summary>
    public static string? DefaultPath =>
        Environment.GetEnvironmentVariable("RUNTIME_DIRECTORY") is { Length: > 0 } dir ? Path.Combine(dir.Split(':')[0], "status.sock") : null;

    public void Start()
    {
        if (File.Exists(_path)) File.Delete(_path); // left behind by a process that was killed
        _socket.Bind(new UnixDomainSocketEndPoint(_path));
        _socket.Listen(4);
        _ = Task.Run(ServeAsync);
    }

    public void Dispose()
    {
        _socket.Dispose();
        try { File.Delete(_path); } catch (IOException) { }
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            using (client)
            {
                try
                {
                    await client.SendAsync(Encoding.UTF8.GetBytes(_report())).ConfigureAwait(false);
                    client.Shutdown(SocketShutdown.Both);
                }
                catch (SocketException)
                {
                }
            }
        }
    }

    /// <summary>Reads one report from a running service's socket.</summary>
    public static string Read(string path, TimeSpan timeout)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = (int)timeout.TotalMilliseconds };
        socket.Connect(new UnixDomainSocketEndPoint(path));
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
