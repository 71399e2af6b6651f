using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EdgeLstm.Daemon.Tests.Mqtt;

/// <summary>
/// A real mosquitto broker on 127.0.0.1 and a free port, owned by one test. Persistence is on,
/// so a subscriber's persistent session (and the messages queued for it) survive a restart.
/// The broker runs as the test's own user: started as root, mosquitto otherwise switches to the
/// user "mosquitto", which cannot write the test's private directory, and then runs without
/// its database (sessions lost on a restart) and without its log, saying so only in that log.
/// </summary>
internal sealed class MosquittoBroker : IDisposable
{
    private readonly string _dir;
    private Process? _process;

    /// <param name="listener">
    /// The listener's and authentication settings, given the broker's private directory to create
    /// their files in (a password file, a certificate); default anonymous plain MQTT.
    /// </param>
    public MosquittoBroker(Func<string, string>? listener = null)
    {
        _dir = Directory.CreateTempSubdirectory("edgelstm-mosquitto").FullName;
        Port = FreePort();
        string settings = listener?.Invoke(_dir) ?? "allow_anonymous true";
        File.WriteAllText(Path.Combine(_dir, "mosquitto.conf"),
            $"""
             listener {Port} 127.0.0.1
             {settings}
             user {Environment.UserName}
             persistence true
             persistence_location {_dir}/
             autosave_interval 1
             log_dest file {_dir}/mosquitto.log
             log_type all
             """);
        Start();
    }

    public int Port { get; }

    /// <summary>The end of the broker's own log so far, for a failing test's message.</summary>
    public string Log
    {
        get
        {
            string path = Path.Combine(_dir, "mosquitto.log");
            string text = File.Exists(path) ? File.ReadAllText(path) : "(no log file)";
            return text.Length <= 4000 ? text : text[^4000..];
        }
    }

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
        if (!File.Exists(Path.Combine(_dir, "mosquitto.db")))
            throw new InvalidOperationException($"mosquitto saved no database on stop; its log: {Log}");
    }

    public void Dispose()
    {
        if (_process is { HasExited: false }) _process.Kill();
        _process?.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    /// <summary>Runs a tool (openssl, mosquitto_passwd) to prepare the broker's files; throws with its output if it fails.</summary>
    public static void Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {errors} {output.Result}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
