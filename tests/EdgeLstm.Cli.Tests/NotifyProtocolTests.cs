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
}
