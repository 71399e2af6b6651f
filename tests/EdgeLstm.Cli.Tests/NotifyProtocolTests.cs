using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace EdgeLstm.Cli.Tests;

/// <summary>
/// `edgelstm run` speaks systemd's notify protocol to a NOTIFY_SOCKET datagram socket the test
/// owns: READY=1 after the sources open, WATCHDOG=1 at half of WATCHDOG_USEC while the pipeline
/// runs, STATUS= with counters, STOPPING=1 on SIGTERM, then exit 0 after draining.
/// </summary>
public class NotifyProtocolTests
{
    [Fact]
    public async Task Ready_watchdog_status_and_stopping_reach_the_notify_socket()
    {
        string dir = Directory.CreateTempSubdirectory("edgelstm-notify").FullName;
        string socketPath = Path.Combine(dir, "notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        socket.ReceiveTimeout = 30_000;

        string recording = Path.Combine(CliProcess.RepoRoot, "firmware-samples", "recordings", "hapt-exp03-user02.csv");
        string config = Path.Combine(dir, "run.json");
        File.WriteAllText(config, $$"""
            {
              "models": { "default": { "path": "{{Fixtures.ModelPath}}" } },
              "sources": [ { "name": "imu", "type": "file", "path": "{{recording}}", "speed": 1 } ],
              "sinks": [ { "type": "stdout" } ]
            }
            """);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "edgelstm.dll"), "run", "--config", config }) start.ArgumentList.Add(a);
        start.Environment["NOTIFY_SOCKET"] = socketPath;
        start.Environment["WATCHDOG_USEC"] = "400000";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var messages = new List<string>();
            var buffer = new byte[4096];
            string Next()
            {
                int n = socket.Receive(buffer);
                string m = Encoding.UTF8.GetString(buffer, 0, n);
                messages.Add(m);
                return m;
            }
            Assert.Equal("READY=1", Next());
            var pings = new List<DateTime>();
            while (pings.Count < 5)
                if (Next() == "WATCHDOG=1") pings.Add(DateTime.UtcNow);
            Assert.Contains(messages, m => m.StartsWith("STATUS=running: ", StringComparison.Ordinal) && m.Contains("samples classified", StringComparison.Ordinal));
            // Half of WATCHDOG_USEC (200 ms) apart, give or take a busy machine.
            double meanGap = (pings[^1] - pings[0]).TotalMilliseconds / (pings.Count - 1);
            Assert.InRange(meanGap, 100, 1000);

            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            while (Next() != "STOPPING=1") { }
            Assert.True(process.WaitForExit(60_000), "did not exit after SIGTERM");
            Assert.True(process.ExitCode == 0, await stderr);
            Assert.NotEmpty(await stdout);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }

    /// <summary>
    /// A real stall: the stdout sink writes into a pipe nobody reads, so once the pipe (64 KiB) is
    /// full the sink stage blocks in write(2), the output and input queues fill, and the paced file
    /// source waits while the recording still has data. The pings must stop (systemd would kill and
    /// restart us after WatchdogSec) and STATUS= says STALLED; when the test starts reading, the
    /// stage moves again and the pings resume.
    /// </summary>
    [Fact]
    public async Task A_stage_blocked_on_a_full_pipe_stops_the_watchdog_pings_and_unblocking_resumes_them()
    {
        using var notify = new NotifySocket();
        string dir = Directory.CreateTempSubdirectory("edgelstm-stall").FullName;
        string recording = Path.Combine(CliProcess.RepoRoot, "firmware-samples", "recordings", "hapt-exp03-user02.csv");
        string config = Path.Combine(dir, "run.json");
        File.WriteAllText(config, $$"""
            {
              "models": { "default": { "path": "{{Fixtures.ModelPath}}" } },
              "sources": [ { "name": "imu", "type": "file", "path": "{{recording}}", "speed": 4 } ],
              "streams": [ { "match": "*", "events": { "emit": "hop", "hop": 1 } } ],
              "sinks": [ { "type": "stdout" } ],
              "pipeline": { "batchSize": 16, "inputCapacity": 2, "outputCapacity": 2, "inputFullMode": "wait" }
            }
            """);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "edgelstm.dll"), "run", "--config", config }) start.ArgumentList.Add(a);
        start.Environment["NOTIFY_SOCKET"] = notify.Path;
        start.Environment["WATCHDOG_USEC"] = "400000";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(); // stderr flows; stdout is not read yet
        try
        {
            notify.WaitFor(m => m == "READY=1", TimeSpan.FromSeconds(60), "READY=1");
            notify.WaitFor(m => m == "WATCHDOG=1", TimeSpan.FromSeconds(30), "WATCHDOG=1 while data flows");
            // The stall of a full pipe (64 KiB: some 900 lines), not a tick that found the workers still
            // starting up on a loaded machine: STALLED with hundreds of samples classified.
            string stalled = notify.WaitFor(m => m.StartsWith("STATUS=STALLED", StringComparison.Ordinal) && ClassifiedIn(m) >= 500, TimeSpan.FromSeconds(90),
                "STATUS=STALLED once the pipe is full");

            // Stalled: for the next 3 s (7 watchdog periods of 200 ms) no ping, only STALLED status lines.
            var quiet = new List<string>();
            var until = DateTime.UtcNow.AddSeconds(3);
            while (DateTime.UtcNow < until)
                if (notify.Next(until - DateTime.UtcNow) is { } m) quiet.Add(m);
            Assert.DoesNotContain("WATCHDOG=1", quiet);
            Assert.True(quiet.Count(m => m.StartsWith("STATUS=STALLED", StringComparison.Ordinal)) >= 2, string.Join(" | ", quiet));
            Assert.False(process.HasExited);

            // Un-stall: read stdout; the pipeline moves and the pings come back.
            var stdout = process.StandardOutput.ReadToEndAsync();
            notify.WaitFor(m => m == "WATCHDOG=1", TimeSpan.FromSeconds(60), "WATCHDOG=1 after the reader came back");
            notify.WaitFor(m => m.StartsWith("STATUS=running", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "STATUS=running again");

            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            notify.WaitFor(m => m == "STOPPING=1", TimeSpan.FromSeconds(60), "STOPPING=1");
            Assert.True(process.WaitForExit(60_000), "did not exit after SIGTERM");
            Assert.True(process.ExitCode == 0, await stderr);
            // Nothing was lost in the stall: every sample classified by then was written after it.
            Assert.True((await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= ClassifiedIn(stalled));
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }

    /// <summary>
    /// Issue 14, defect 4: a UDP source keeps receiving (and its full input queue keeps dropping)
    /// while the stdout sink writes into a pipe nobody reads. Drops at the input are not progress:
    /// the pings stop, STATUS= and /health say STALLED, and the drops are counted. At 010614b the
    /// watchdog was fed every tick because bytes kept arriving.
    /// </summary>
    [Fact]
    public async Task Input_dropped_at_a_full_queue_is_not_progress_while_the_output_is_stuck()
    {
        using var notify = new NotifySocket();
        string dir = Directory.CreateTempSubdirectory("edgelstm-stall-udp").FullName;
        int udpPort = TcpPeer.FreePort(), metricsPort = TcpPeer.FreePort();
        string config = Path.Combine(dir, "run.json");
        File.WriteAllText(config, $$"""
            {
              "models": { "default": { "path": "{{Fixtures.ModelPath}}" } },
              "sources": [ { "name": "imu", "type": "udp", "port": {{udpPort}} } ],
              "streams": [ { "match": "*", "events": { "emit": "hop", "hop": 1 } } ],
              "sinks": [ { "type": "stdout" } ],
              "pipeline": { "batchSize": 16, "inputCapacity": 2, "outputCapacity": 2 },
              "service": { "metrics": { "enabled": true, "port": {{metricsPort}} } }
            }
            """);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "edgelstm.dll"), "run", "--config", config }) start.ArgumentList.Add(a);
        start.Environment["NOTIFY_SOCKET"] = notify.Path;
        start.Environment["WATCHDOG_USEC"] = "1000000";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(); // stdout is never read: the pipe fills
        using var sending = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            using var udp = new UdpClient();
            byte[] datagram = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0.41,-0.01,0.92,-0.07,-0.13,-0.04\n", 20)));
            while (!sending.IsCancellationRequested)
            {
                await udp.SendAsync(datagram, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, udpPort));
                await Task.Delay(2);
            }
        });
        try
        {
            notify.WaitFor(m => m == "READY=1", TimeSpan.FromSeconds(60), "READY=1");
            string stalled = notify.WaitFor(m => m.StartsWith("STATUS=STALLED", StringComparison.Ordinal) && DroppedIn(m) > 0, TimeSpan.FromSeconds(90),
                "STATUS=STALLED with samples dropped at the input");
            Assert.Contains("classifier stage", stalled, StringComparison.Ordinal);

            // Stalled with input still arriving: 3 s (6 watchdog periods of 500 ms) without a ping, and the drops keep climbing.
            var quiet = new List<string>();
            var until = DateTime.UtcNow.AddSeconds(3);
            while (DateTime.UtcNow < until)
                if (notify.Next(until - DateTime.UtcNow) is { } m) quiet.Add(m);
            Assert.DoesNotContain("WATCHDOG=1", quiet);
            var last = quiet.Last(m => m.StartsWith("STATUS=STALLED", StringComparison.Ordinal));
            Assert.True(DroppedIn(last) > DroppedIn(stalled), $"{stalled} | {last}");

            using var http = new HttpClient();
            var health = await http.GetAsync(new Uri($"http://127.0.0.1:{metricsPort}/health"));
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Contains("STALLED", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Contains("edgelstm_stalled 1", await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics")), StringComparison.Ordinal);
        }
        finally
        {
            await sending.CancelAsync();
            await sender;
            if (!process.HasExited) process.Kill();
            process.WaitForExit(10_000);
        }
        _ = stderr;
    }

    private static long DroppedIn(string status) =>
        long.Parse(System.Text.RegularExpressions.Regex.Match(status, @"(\d+) dropped").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static long ClassifiedIn(string status) =>
        long.Parse(System.Text.RegularExpressions.Regex.Match(status, @"(\d+) samples classified").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
}
