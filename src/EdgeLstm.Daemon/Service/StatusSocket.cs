using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace EdgeLstm.Daemon.Service;

/// <summary>
/// A Unix stream socket (by default in systemd's RuntimeDirectory, /run/edgelstm/status.sock) that
/// answers every connection with the service's metrics and health, then closes: what
/// `edgelstm status` reads. Always on, unlike the HTTP endpoint, and reachable only through the
/// file system's permissions. At start a stale socket file (left by a killed process) is replaced;
/// a missing directory, a file that is not a socket, or a socket a live service answers on is
/// refused with a <see cref="StartupException"/>.
/// </summary>
public sealed partial class StatusSocket : IDisposable
{
    private const string Option = "service.statusSocket";
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
        string directory = Path.GetDirectoryName(Path.GetFullPath(_path)) ?? "/";
        if (!Directory.Exists(directory)) throw new StartupException(Option, $"directory {directory} does not exist");
        if (File.Exists(_path) || Directory.Exists(_path))
        {
            if (!IsSocket(_path)) throw new StartupException(Option, $"{_path} exists and is not a socket (not deleting it)");
            if (Answers(_path)) throw new StartupException(Option, $"{_path} is in use: another edgelstm answers on it");
            File.Delete(_path); // stale: left behind by a process that was killed
        }
        try
        {
            _socket.Bind(new UnixDomainSocketEndPoint(_path));
        }
        catch (SocketException e)
        {
            throw new StartupException(Option, $"{_path} cannot be bound: {e.Message}");
        }
        _bound = true;
        _socket.Listen(4);
        _ = Task.Run(ServeAsync);
    }

    private bool _bound;

    public void Dispose()
    {
        _socket.Dispose();
        if (!_bound) return; // never ours: leave whatever is there
        try { File.Delete(_path); } catch (IOException) { }
    }

    /// <summary>
    /// Whether the path is a socket: open(2) of a socket fails with ENXIO, of anything else it does
    /// not (non-blocking, no controlling terminal: a FIFO or a tty is not waited on or taken).
    /// </summary>
    private static bool IsSocket(string path)
    {
        const int ReadOnlyNonBlockingNoTty = 0x800 | 0x100 | 0x80000, NoSuchDeviceOrAddress = 6; // O_NONBLOCK | O_NOCTTY | O_CLOEXEC; ENXIO
        int fd = Open(path, ReadOnlyNonBlockingNoTty);
        if (fd >= 0)
        {
            Close(fd);
            return false;
        }
        return Marshal.GetLastPInvokeError() == NoSuchDeviceOrAddress;
    }

    /// <summary>Whether a live process accepts connections on the socket (a stale one refuses).</summary>
    private static bool Answers(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

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
