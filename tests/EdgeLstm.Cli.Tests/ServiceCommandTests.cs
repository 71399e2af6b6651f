using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using EdgeLstm.Daemon.Tests.Mqtt;

namespace EdgeLstm.Cli.Tests;

/// <summary>
/// `edgelstm run` as the service it is, with real peers: mosquitto for the last will, HTTP over
/// loopback for /metrics and /health, the status socket through `edgelstm status`, `--check` on
/// broken configurations, and log levels.
/// </summary>
public class ServiceCommandTests
{
    private static string Recording => Path.Combine(CliProcess.RepoRoot, "firmware-samples", "recordings", "hapt-exp03-user02.csv");

    private static string TempDir() => Directory.CreateTempSubdirectory("edgelstm-service").FullName;

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Sigkill_leaves_the_retained_status_offline_through_the_last_will()
    {
        using var broker = new MosquittoBroker();
        string dir = TempDir();
        string config = Path.Combine(dir, "mqtt.json");
        File.WriteAllText(config, $$"""
            {
              "models": { "m": { "path": "{{Fixtures.ModelPath}}" } },
              "sources": [ { "name": "imu", "type": "file", "path": "{{Recording}}", "speed": 1 } ],
              "streams": [ { "match": "*", "model": "m", "events": { "emit": "hop", "hop": 25 } } ],
              "sinks": [ { "type": "mqtt", "mqtt": { "host": "127.0.0.1", "port": {{broker.Port}}, "device": "killtest", "keepAliveMs": 30000 } } ]
            }
            """);
        await using var watcher = new Subscriber(broker.Port, "lwt-watcher");
        await watcher.ConnectAsync("edgelstm/killtest/#");
        using var daemon = new DaemonProcess("run", "--config", config);
        Assert.True(await watcher.WaitForAsync(m => m.Any(x => x.Topic == "edgelstm/killtest/status" && x.Payload == "online")), "online never arrived");
        Assert.True(await watcher.WaitForAsync(m => m.Any(x => x.Topic == "edgelstm/killtest/imu")), "no classification arrived");

        daemon.Signal("KILL"); // no clean stop: only the broker's last will can say offline
        daemon.WaitForExit(TimeSpan.FromSeconds(30));
        Assert.True(await watcher.WaitForAsync(m => m.Any(x => x.Topic == "edgelstm/killtest/status" && x.Payload == "offline")), "the last will never arrived");

        // Retained: a subscriber arriving later is told offline at once.
        await using var late = new Subscriber(broker.Port, "lwt-late");
        await late.ConnectAsync("edgelstm/killtest/status");
        Assert.True(await late.WaitForAsync(m => m.Any(x => x.Payload == "offline" && x.Retain)), "no retained offline status");
    }

    [Fact]
    public void Check_reports_every_error_of_a_broken_configuration_by_name_on_its_own_line()
    {
        string dir = TempDir();
        string broken = Path.Combine(dir, "broken.json");
        File.WriteAllText(broken, $$"""
            {
              "models": { "m": { "path": "{{Fixtures.ModelPath}}" }, "gone": { "path": "missing.elstm" } },
              "sources": [
                { "name": "imu", "type": "serial", "path": "{{dir}}/ttyNOPE" },
                { "name": "net", "type": "carrier-pigeon" },
                { "name": "sock", "type": "tcp", "port": 70000, "staleAfterMs": -5,
                  "channels": [ { "input": "no_such_input" } ] }
              ],
              "streams": [ { "match": "*", "model": "m", "events": { "emit": "sometimes" } } ],
              "sinks": [ { "type": "serial", "path": "{{dir}}" } ],
              "service": { "logLevel": "chatty", "metrics": { "enabled": true, "port": 0 } }
            }
            """);
        var r = CliProcess.Run("run", "--check", "--config", broken);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.StdOut);
        var lines = r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] expected =
        [
            "models.gone.path", "sources[0].path: device", "sources[1].type", "sources[2].port", "sources[2].staleAfterMs",
            "sources[2].channels[0].input", "streams[0].events.emit", "sinks[0].path: '", "service.logLevel", "service.metrics.port",
        ];
        foreach (string name in expected)
            Assert.Single(lines, l => l.StartsWith($"edgelstm: broken.json: {name}", StringComparison.Ordinal));
        Assert.Equal(expected.Length, lines.Length);

        // Syntax: one line with the line number; an unknown option: named.
        string syntax = Path.Combine(dir, "syntax.json");
        File.WriteAllText(syntax, "{\n  \"sources\": [\n    { \"name\": \"a\", }\n    oops\n");
        r = CliProcess.Run("run", "--check", "--config", syntax);
        Assert.Equal(2, r.ExitCode);
        Assert.Matches(@"^edgelstm: syntax\.json: .*\(line \d+\)", r.StdErr.Trim());
        string unknown = Path.Combine(dir, "unknown.json");
        File.WriteAllText(unknown, """{ "sources": [ { "name": "a", "type": "stdin", "baudrate": 9600 } ] }""");
        r = CliProcess.Run("run", "--check", "--config", unknown);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("baudrate", r.StdErr, StringComparison.Ordinal);
        Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // A missing configuration file.
        r = CliProcess.Run("run", "--check", "--config", Path.Combine(dir, "absent.json"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("absent.json", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_passes_a_valid_configuration_with_a_real_device_and_starts_nothing()
    {
        string dir = TempDir();
        string good = Path.Combine(dir, "good.json");
        File.WriteAllText(good, $$"""
            {
              "models": { "m": { "path": "{{Fixtures.ModelPath}}" } },
              "sources": [ { "name": "imu", "type": "serial", "path": "/dev/null" }, { "name": "net", "type": "tcp", "port": 0 } ],
              "streams": [ { "match": "*", "model": "m" } ],
              "service": { "metrics": { "enabled": true, "port": 9464 } }
            }
            """);
        var r = CliProcess.Run("run", "--check", "--config", good);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Equal("edgelstm: good.json: OK (1 models, 2 sources, 1 sinks, 1 serial devices)", r.StdOut.Trim());
        Assert.Equal("", r.StdErr);
    }

    /// <summary>
    /// The shipped configurations (the installed minimal one, the every-option example) pass
    /// `--check` on a machine without their serial devices: an absent source device is a warning.
    /// </summary>
    [Theory]
    [InlineData("edgelstm.json", "/dev/ttyACM0")]
    [InlineData("edgelstm.full.json", "/dev/serial/by-id/usb-Arduino_Uno-if00")]
    public void Check_passes_the_shipped_configurations_without_their_devices(string name, string device)
    {
        var r = CliProcess.Run("run", "--check", "--config", Path.Combine(CliProcess.RepoRoot, "config", name));
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.StdErr}");
        Assert.StartsWith($"edgelstm: {name}: OK (", r.StdOut.Trim(), StringComparison.Ordinal);
        if (!File.Exists(device))
            Assert.True(r.StdErr.Contains($"device '{device}' not found", StringComparison.Ordinal) && r.StdErr.Contains("a warning", StringComparison.Ordinal),
                $"the absent device is not reported as a warning: {r.StdErr}");
    }

    [Fact]
    public void Check_warns_of_old_option_names_and_passes()
    {
        string dir = TempDir();
        string old = Path.Combine(dir, "old.json");
        File.WriteAllText(old, """
            { "sources": [ { "name": "pipe", "type": "stdin" } ],
              "sinks": [ { "type": "mqtt", "mqtt": { "keepAliveSeconds": 30, "reconnectMinMs": 200 } } ] }
            """);
        var r = CliProcess.Run("run", "--check", "--config", old);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Equal("edgelstm: old.json: sinks[0].mqtt.keepAliveSeconds: an old name, read as keepAliveMs; rename it", r.StdErr.Trim());
    }

    [Fact]
    public async Task Metrics_health_and_status_of_a_running_service_over_loopback_and_its_status_socket()
    {
        string dir = TempDir();
        int port = FreePort();
        string statusSocket = Path.Combine(dir, "status.sock");
        string config = Path.Combine(dir, "live.json");
        File.WriteAllText(config, $$"""
            {
              "models": { "m": { "path": "{{Fixtures.ModelPath}}" } },
              "sources": [ { "name": "pipe", "type": "stdin", "staleAfterMs": 1500 } ],
              "streams": [ { "match": "*", "model": "m", "events": { "emit": "hop", "hop": 1 } } ],
              "service": { "statusSocket": "{{statusSocket}}", "metrics": { "enabled": true, "port": {{port}} } }
            }
            """);
        var rows = File.ReadLines(Recording).Skip(1).Select(l => string.Join(',', l.Split(',')[1..7])).ToArray();
        using var daemon = new DaemonProcess("run", "--config", config);
        daemon.WaitUntil(d => d.StdErr.Any(l => l.Contains($"metrics at http://127.0.0.1:{port}/metrics", StringComparison.Ordinal)), TimeSpan.FromMinutes(1), "the metrics endpoint");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        // Never any data yet: after 1.5 s of silence the source is stale.
        var sick = await PollAsync(http, "health", r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.Contains("source 'pipe' silent for", sick, StringComparison.Ordinal);

        // Data flows (a line every 20 ms): healthy, and the counters move.
        using var feeding = new CancellationTokenSource();
        int sent = 0;
        var feeder = Task.Run(async () =>
        {
            while (!feeding.IsCancellationRequested && sent < 1000)
            {
                await daemon.StdIn.WriteLineAsync(rows[sent]);
                await daemon.StdIn.FlushAsync();
                Interlocked.Increment(ref sent);
                await Task.Delay(20);
            }
        });
        await PollAsync(http, "health", r => r.StatusCode == HttpStatusCode.OK);
        string metrics = await PollAsync(http, "metrics", r => r.StatusCode == HttpStatusCode.OK);
        Assert.Contains("# TYPE edgelstm_samples_total counter", metrics, StringComparison.Ordinal);
        Assert.Contains("edgelstm_healthy 1", metrics, StringComparison.Ordinal);
        Assert.Contains("edgelstm_latency_seconds_bucket{le=\"+Inf\"}", metrics, StringComparison.Ordinal);
        Assert.Matches("edgelstm_source_silence_seconds\\{source=\"pipe\"\\} ", metrics);

        var status = CliProcess.Run("status", "--socket", statusSocket);
        Assert.True(status.ExitCode == 0, status.StdErr + status.StdOut);
        using (var doc = JsonDocument.Parse(status.StdOut))
        {
            Assert.True(doc.RootElement.GetProperty("healthy").GetBoolean());
            Assert.True(doc.RootElement.GetProperty("samples_classified").GetInt64() > 0);
        }

        // The sensor goes silent: unhealthy again (not a watchdog stall: the process stays up), and
        // `edgelstm status` exits 1 with the reason.
        await feeding.CancelAsync();
        await feeder;
        long fed = sent;
        await PollAsync(http, "health", r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        status = CliProcess.Run("status", "--socket", statusSocket);
        Assert.Equal(1, status.ExitCode);
        using (var doc = JsonDocument.Parse(status.StdOut))
        {
            Assert.False(doc.RootElement.GetProperty("healthy").GetBoolean());
            Assert.Contains("pipe", doc.RootElement.GetProperty("unhealthy").GetString(), StringComparison.Ordinal);
            Assert.Equal(fed, doc.RootElement.GetProperty("samples_classified").GetInt64());
        }
        metrics = await PollAsync(http, "metrics", r => r.StatusCode == HttpStatusCode.OK);
        Assert.Contains($"edgelstm_samples_total{{stage=\"classified\"}} {fed.ToString(CultureInfo.InvariantCulture)}\n", metrics, StringComparison.Ordinal);
        Assert.Contains("edgelstm_healthy 0", metrics, StringComparison.Ordinal);

        daemon.Signal("TERM");
        Assert.Equal(0, daemon.WaitForExit(TimeSpan.FromMinutes(1)));
        Assert.False(File.Exists(statusSocket), "the status socket is removed at exit");
        var gone = CliProcess.Run("status", "--socket", statusSocket);
        Assert.Equal(2, gone.ExitCode);
        Assert.Contains($"no edgelstm service is running: {statusSocket} does not exist", gone.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("Cannot assign requested address", gone.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_mqtt_broker_shows_in_health_metrics_and_status_until_it_is_back()
    {
        using var broker = new MosquittoBroker();
        broker.Stop();
        string dir = TempDir();
        int port = FreePort();
        string statusSocket = Path.Combine(dir, "status.sock");
        string config = Path.Combine(dir, "mqtt-down.json");
        File.WriteAllText(config, $$"""
            {
              "models": { "m": { "path": "{{Fixtures.ModelPath}}" } },
              "sources": [ { "name": "pipe", "type": "stdin" } ],
              "sinks": [ { "type": "mqtt", "mqtt": { "port": {{broker.Port}}, "device": "downtest", "reconnectMinMs": 100, "reconnectMaxMs": 200,
                                                   "unhealthyAfterMs": 1000 } } ],
              "service": { "statusSocket": "{{statusSocket}}", "metrics": { "enabled": true, "port": {{port}} } }
            }
            """);
        using var daemon = new DaemonProcess("run", "--config", config);
        daemon.WaitUntil(d => d.StdErr.Any(l => l.Contains($"metrics at http://127.0.0.1:{port}/metrics", StringComparison.Ordinal)), TimeSpan.FromMinutes(1), "the metrics endpoint");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        string sink = $"sink=\"127.0.0.1:{broker.Port.ToString(CultureInfo.InvariantCulture)}\"";

        string sick = await PollAsync(http, "health", r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.Contains($"mqtt sink '127.0.0.1:{broker.Port.ToString(CultureInfo.InvariantCulture)}' disconnected for", sick, StringComparison.Ordinal);
        Assert.Contains("ConnectionRefused", sick, StringComparison.Ordinal);
        string metrics = await PollAsync(http, "metrics", r => r.StatusCode == HttpStatusCode.OK);
        Assert.Contains($"edgelstm_mqtt_connected{{{sink}}} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"edgelstm_mqtt_connects_total{{{sink}}} 0\n", metrics, StringComparison.Ordinal);
        Assert.Matches($"edgelstm_mqtt_connect_failures_total\\{{{System.Text.RegularExpressions.Regex.Escape(sink)}\\}} [1-9]", metrics);
        Assert.Contains($"edgelstm_mqtt_messages_total{{{sink},outcome=\"dropped_queue_full\"}} 0\n", metrics, StringComparison.Ordinal);
        var status = CliProcess.Run("status", "--socket", statusSocket);
        Assert.Equal(1, status.ExitCode);
        using (var doc = JsonDocument.Parse(status.StdOut))
        {
            Assert.Contains("mqtt sink", doc.RootElement.GetProperty("unhealthy").GetString(), StringComparison.Ordinal);
            var link = Assert.Single(doc.RootElement.GetProperty("mqtt").EnumerateArray());
            Assert.False(link.GetProperty("connected").GetBoolean());
            Assert.Equal("ConnectionRefused", link.GetProperty("last_failure").GetString());
        }

        broker.Start();
        await PollAsync(http, "health", r => r.StatusCode == HttpStatusCode.OK);
        metrics = await PollAsync(http, "metrics", r => r.StatusCode == HttpStatusCode.OK);
        Assert.Contains($"edgelstm_mqtt_connected{{{sink}}} 1\n", metrics, StringComparison.Ordinal);
        status = CliProcess.Run("status", "--socket", statusSocket);
        Assert.True(status.ExitCode == 0, status.StdOut);
        using (var doc = JsonDocument.Parse(status.StdOut))
            Assert.True(Assert.Single(doc.RootElement.GetProperty("mqtt").EnumerateArray()).GetProperty("connected").GetBoolean());

        daemon.Signal("TERM");
        Assert.Equal(0, daemon.WaitForExit(TimeSpan.FromMinutes(1)));
        // Dozens of refused attempts, one log line: the reason did not change.
        Assert.Single(daemon.StdErr, l => l.Contains("cannot connect", StringComparison.Ordinal));
    }

    private static async Task<string> PollAsync(HttpClient http, string path, Func<HttpResponseMessage, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            string body = await response.Content.ReadAsStringAsync();
            if (until(response)) return body;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"/{path} answered {(int)response.StatusCode} {body}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public void Log_levels_from_the_command_line_and_the_configuration()
    {
        string dir = TempDir();
        string Config(string level)
        {
            string path = Path.Combine(dir, $"{level}.json");
            File.WriteAllText(path, $$"""
                {
                  "models": { "m": { "path": "{{Fixtures.ModelPath}}" } },
                  "sources": [ { "name": "pipe", "type": "stdin" } ],
                  "streams": [ { "match": "*", "model": "m" } ],
                  "service": { "logLevel": "{{level}}" }
                }
                """);
            return path;
        }
        string[] RunAndStop(params string[] args)
        {
            using var daemon = new DaemonProcess(["run", .. args]);
            daemon.StdIn.WriteLine("0.1,0.2,0.3,0.4,0.5,0.6");
            daemon.StdIn.Flush();
            daemon.WaitUntil(d => d.StdOut.Length > 0, TimeSpan.FromMinutes(1), "the classification (the pipeline runs, signals are handled)");
            daemon.Signal("TERM");
            Assert.Equal(0, daemon.WaitForExit(TimeSpan.FromMinutes(1)));
            return daemon.StdErr;
        }
        // info (default): the drain is logged; debug adds the configuration line; warning hides info.
        var info = RunAndStop("--config", Config("info"));
        Assert.Contains(info, l => l.Contains("SIGTERM: draining", StringComparison.Ordinal));
        Assert.DoesNotContain(info, l => l.Contains("1 sources, 1 sinks", StringComparison.Ordinal));
        var debug = RunAndStop("--config", Config("debug"));
        Assert.Contains(debug, l => l.Contains("1 sources, 1 sinks", StringComparison.Ordinal));
        var quiet = RunAndStop("--config", Config("debug"), "--log-level", "warning");
        Assert.Empty(quiet);
        var bad = CliProcess.Run("run", "--config", Config("info"), "--log-level", "loud");
        Assert.Equal(2, bad.ExitCode);
    }
}
