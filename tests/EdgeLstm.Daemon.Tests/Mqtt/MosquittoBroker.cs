using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EdgeLstm.Daemon.Tests.Mqtt;

/// <summary>
/// A real mosquitto broker on 127.0.0.1 and a free port, owned by one test. Persistence is on,
/// so a subscriber's persistent session (and the messages queued for it) survive a restart.
/// </summary>
internal sealed class MosquittoBroker : IDisposable
{
    private readonly string _dir;
    private Process? _process;

    public MosquittoBroker()
    {
        _dir = Directory.CreateTempSubdirectory("edgelstm-mosquitto").FullName;
        Port = FreePort();
        File.WriteAllText(Path.Combine(_dir, "mosquitto.conf"),
            $"""
             listener {Port} 127.0.0.1
             allow_anonymous true
             persistence true
             persistence_location {_dir}/
             autosave_interval 1
             log_dest file {_dir}/mosquitto.log
             """);
        Start();
    }

    public int Port { get; }

    public void Start()
    {
        var start = new ProcessStartInfo("/usr/sbin/mosquitto") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Path.Combine(_dir, "mosquitto.conf"));
        _process = Process.Start(start)!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                if (_process.HasExited) throw new InvalidOperationException($"mosquitto exited: {_process.StandardError.ReadToEnd()}");
                Thread.Sleep(50);
            }
        }
        throw new TimeoutException("mosquitto did not start listening in 30 s");
    }

    /// <summary>Stops the broker the way an operator's restart does (SIGTERM, persistence saved).</summary>
    public void Stop()
    {
        if (_process is null || _process.HasExited) return;
        Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        if (!_process.WaitForExit(10_000)) _process.Kill();
        _process.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        if (_process is { HasExited: false }) _process.Kill();
        _process?.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
