using System.Text.Json;
using System.Text.RegularExpressions;

namespace EdgeLstm.Cli.Tests;

/// <summary>`edgelstm replay` and `edgelstm run` as real processes: serial through socat ptys, signals, configuration errors.</summary>
public partial class PipelineCommandTests
{
    private static string Recording => Path.Combine(CliProcess.RepoRoot, "firmware-samples", "recordings", "hapt-exp03-user02.csv");

    [GeneratedRegex(",\"time\":\"[^\"]*\"|,\"time_s\":[0-9.e+-]+")]
    private static partial Regex TimeField();

    private static string WithoutTime(string line) => TimeField().Replace(line, "");

    private static JsonElement Summary(string[] stdout)
    {
        var last = stdout.Last(l => l.StartsWith("{\"summary\"", StringComparison.Ordinal));
        return JsonDocument.Parse(last).RootElement.Clone();
    }

    private static string[] Classifications(string[] stdout) => stdout.Where(l => l.StartsWith("{\"stream\"", StringComparison.Ordinal)).ToArray();

    private static string TempDir() => Directory.CreateTempSubdirectory("edgelstm-run").FullName;

    [Fact]
    public void Replay_prints_json_lines_and_a_summary_with_accuracy()
    {
        var r = CliProcess.Run("replay", Recording, "--model", Fixtures.ModelPath, "--max-speed", "--summary", "--scores");
        Assert.Equal(0, r.ExitCode);
        var lines = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var summary = Summary(lines);
        Assert.Equal(18026, summary.GetProperty("samples_classified").GetInt64());
        Assert.Equal(Classifications(lines).Length, summary.GetProperty("lines_written").GetInt64());
        var first = JsonDocument.Parse(Classifications(lines)[0]).RootElement;
        Assert.Equal("hapt-exp03-user02.csv", first.GetProperty("stream").GetString());
        Assert.Equal(0, first.GetProperty("t").GetInt64());
        // The recording's time column is relative (it starts at 0): seconds as they are, not a date in 1970.
        Assert.Equal(0, first.GetProperty("time_s").GetDouble());
        Assert.False(first.TryGetProperty("time", out _));
        Assert.Equal(4, first.GetProperty("scores").EnumerateObject().Count());
        // The fixture's labels (walk, sit, stand, lie) are not the recording's: nothing is scored.
        Assert.False(summary.TryGetProperty("accuracy", out _));
    }

    /// <summary>
    /// The build embeds models/default.elstm (EdgeLstm.Cli.csproj, since the first trained model
    /// shipped): replay without --model classifies with exactly that model, and it is the HAPT
    /// model, so the recording's labels are scored. (The "embeds no default model" usage error is
    /// for a build without the file, which this repository no longer makes.)
    /// </summary>
    [Fact]
    public void Replay_without_a_model_runs_the_embedded_default_model()
    {
        Assert.True(EdgeLstm.Cli.ModelSource.HasEmbeddedDefault, "the build embeds no default model: models/default.elstm is missing");
        var embedded = CliProcess.Run("replay", Recording, "--max-speed", "--summary");
        Assert.True(embedded.ExitCode == 0, embedded.StdErr);
        Assert.DoesNotContain("embeds no default model", embedded.StdErr, StringComparison.Ordinal);
        var lines = embedded.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var summary = Summary(lines);
        Assert.Equal(18026, summary.GetProperty("samples_classified").GetInt64());
        Assert.NotEmpty(Classifications(lines));
        Assert.Equal(Classifications(lines).Length, summary.GetProperty("lines_written").GetInt64());
        // HAPT labels: the labelled samples are scored, and the shipped model gets most of them right.
        var accuracy = summary.GetProperty("accuracy");
        Assert.True(accuracy.GetProperty("scored").GetInt64() > 10_000, accuracy.ToString());
        Assert.InRange(accuracy.GetProperty("value").GetDouble(), 0.7, 1.0);

        // The embedded model is the shipped file: the same classifications, line for line.
        var file = CliProcess.Run("replay", Recording, "--max-speed", "--summary", "--model", Path.Combine(CliProcess.RepoRoot, "models", "default.elstm"));
        Assert.True(file.ExitCode == 0, file.StdErr);
        var fileLines = file.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Classifications(fileLines), Classifications(lines));
        Assert.Equal(Summary(fileLines).GetProperty("accuracy").ToString(), accuracy.ToString());
    }

    [Fact]
    public void Configuration_errors_are_each_named_and_exit_2()
    {
        string dir = TempDir();
        string config = Path.Combine(dir, "bad.json");
        File.WriteAllText(config, $$"""
            {
              // several mistakes at once
              "models": { "m": { "path": "{{Fixtures.ModelPath}}", "engine": "fast" } },
              "sources": [
                { "name": "a", "type": "serial" },
                { "name": "a", "type": "tcp", "port": 70000, "format": "morse" }
              ],
              "streams": [ { "match": "*", "model": "nope", "events": { "smoothing": 1.5, "emit": "sometimes" } } ],
              "pipeline": { "inputFullMode": "explode" }
            }
            """);
        var r = CliProcess.Run("run", "--config", config);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        foreach (var named in new[] { "models.m.engine", "sources[0].path", "sources[1].name", "sources[1].port", "sources[1].format",
                                      "streams[0].model", "streams[0].events.smoothing", "streams[0].events.emit", "pipeline.inputFullMode" })
            Assert.Contains(named, r.StdErr, StringComparison.Ordinal);

        File.WriteAllText(config, """{ "sources": [ { "name": "a", "type": "stdin", "colour": "red" } ] }""");
        r = CliProcess.Run("run", "--config", config);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("colour", r.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("binary")]
    public async Task Stdin_with_garbage_interleaved_never_stalls_and_classifies_every_valid_sample(string format)
    {
        string dir = TempDir();
        string config = Path.Combine(dir, "stdin.json");
        File.WriteAllText(config, $$"""
            {
              "models": { "m": { "path": "{{Fixtures.ModelPath}}" } },
              "sources": [ { "name": "pipe", "type": "stdin", "format": "{{format}}" } ],
              "streams": [ { "match": "*", "model": "m", "events": { "emit": "hop", "hop": 1 } } ],
              "pipeline": { "inputFullMode": "wait" }
            }
            """);
        var random = new Random(format.Length);
        var rows = File.ReadLines(Recording).Skip(1).Take(3000).Select(l => l.Split(',')[1..7]).ToArray();
        using var input = new MemoryStream();
        var frame = new byte[4200];
        for (int i = 0; i < rows.Length; i++)
        {
            if (format == "text") input.Write(System.Text.Encoding.ASCII.GetBytes(string.Join(',', rows[i]) + "\n"));
            else
            {
                var values = rows[i].Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                int n = EdgeLstm.Daemon.Decoding.BinaryFrame.Write(frame, EdgeLstm.Daemon.Decoding.SampleFormat.Float32, 1, (uint)i, 0, 0, 6, values);
                input.Write(frame, 0, n);
            }
            if (i % 100 == 50)
            {
                var garbage = new byte[random.Next(1, 3000)];
                random.NextBytes(garbage);
                if (format == "binary") for (int g = 0; g < garbage.Length; g++) if (garbage[g] == 0xA5) garbage[g] = 0;
                input.Write(garbage);
                input.WriteByte((byte)'\n');
            }
        }
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "edgelstm.dll"), "run", "--config", config, "--summary" }) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(input.ToArray());
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)); // a stall fails here
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, process.ExitCode);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var summary = Summary(lines);
        Assert.Equal(rows.Length, summary.GetProperty("samples_classified").GetInt64());
        Assert.Equal(rows.Length, Classifications(lines).Length);
        Assert.True(summary.GetProperty("rejected_total").GetInt64() >= 1, await stderr);
    }

    [Theory]
    // SIGINT takes the same handler as SIGTERM (StopSignal). It once "hung": the test host had been
    // started in the background and inherited SIGINT ignored, so the daemon never saw the signal;
    // DaemonProcess now starts it with SIGINT at its default (docs/operations.md, "Signals").
    [InlineData("INT")]
    [InlineData("TERM")]
    public void A_signal_drains_the_pipeline_every_accepted_sample_classified_and_written(string signal)
    {
        string dir = TempDir();
        string config = Path.Combine(dir, "paced.json");
        File.WriteAllText(config, $$"""
            {
              "models": { "m": { "path": "{{Fixtures.ModelPath}}" } },
              "sources": [ { "name": "rec", "type": "file", "path": "{{Recording}}", "speed": 4 } ],
              "streams": [ { "match": "*", "model": "m", "events": { "emit": "hop", "hop": 1 } } ],
              "pipeline": { "inputCapacity": 256, "batchSize": 16 }
            }
            """);
        using var daemon = new DaemonProcess("run", "--config", config, "--summary");
        daemon.WaitUntil(d => Classifications(d.StdOut).Length >= 300, TimeSpan.FromMinutes(2), "300 classifications");
        daemon.Signal(signal);
        Assert.Equal(0, daemon.WaitForExit(TimeSpan.FromMinutes(1)));
        var stdout = daemon.StdOut;
        var summary = Summary(stdout);
        long accepted = summary.GetProperty("samples_accepted").GetInt64();
        Assert.InRange(accepted, 300, 18025); // stopped before the end of the recording
        Assert.Equal(accepted, summary.GetProperty("samples_classified").GetInt64());
        Assert.Equal(accepted, summary.GetProperty("lines_written").GetInt64());
        Assert.Equal(0, summary.GetProperty("dropped").GetProperty("input").GetInt64());
        var lines = Classifications(stdout);
        Assert.Equal(accepted, lines.Length);
        for (int t = 0; t < lines.Length; t++) Assert.Contains($"\"t\":{t},", lines[t], StringComparison.Ordinal);
        Assert.Contains(daemon.StdErr, l => l.Contains($"SIG{signal}", StringComparison.Ordinal));
    }

    [Fact]
    public void Serial_end_to_end_through_a_pty_equals_replay_then_survives_the_device_vanishing()
    {
        string dir = TempDir();
        var all = File.ReadLines(Recording).ToArray();
        string shortRecording = Path.Combine(dir, "short.csv");
        File.WriteAllLines(shortRecording, all.Take(401));
        var replay = CliProcess.Run("replay", shortRecording, "--model", Fixtures.ModelPath, "--max-speed", "--emit", "hop", "--hop", "25");
        Assert.Equal(0, replay.ExitCode);
        var expected = replay.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(WithoutTime).ToArray();
        Assert.Equal(16, expected.Length);

        string device = Path.Combine(dir, "ttyEDGE"), feed = Path.Combine(dir, "feed");
        string config = Path.Combine(dir, "serial.json");
        File.WriteAllText(config, $$"""
            {
              "models": { "m": { "path": "{{Fixtures.ModelPath}}" } },
              "sources": [ { "name": "short.csv", "type": "serial", "path": "{{device}}", "baud": 115200, "reopenMinMs": 100, "reopenMaxMs": 400 } ],
              "streams": [ { "match": "*", "model": "m", "reset": { "timeoutMs": 0 }, "events": { "emit": "hop", "hop": 25 } } ]
            }
            """);
        var pty = new PtyPair(device, feed);
        try
        {
            using var daemon = new DaemonProcess("run", "--config", config, "--summary");
            daemon.WaitUntil(d => d.StdErr.Any(l => l.Contains(" open at 115200 baud", StringComparison.Ordinal)), TimeSpan.FromMinutes(1), "the port to be open");
            using (var f = pty.OpenFeed()) PtyPair.WritePaced(f, all.Take(401), 50);
            daemon.WaitUntil(d => Classifications(d.StdOut).Length >= 16, TimeSpan.FromMinutes(1), "the first 16 lines");
            var live = Classifications(daemon.StdOut);
            Assert.Equal(expected, live.Select(WithoutTime).ToArray());
            Assert.All(live, l => Assert.Contains($"\"time\":\"{DateTime.UtcNow:yyyy-MM-dd}", l, StringComparison.Ordinal));

            // Unplug: the pty disappears; the daemon counts the outage and retries with backoff.
            pty.Dispose();
            Thread.Sleep(1500);
            pty = new PtyPair(device, feed);
            daemon.WaitUntil(d => d.StdErr.Any(l => l.Contains("reopened", StringComparison.Ordinal)), TimeSpan.FromMinutes(1), "the port to be reopened");
            using (var f = pty.OpenFeed()) PtyPair.WritePaced(f, all.Skip(401).Take(200), 50);
            daemon.WaitUntil(d => Classifications(d.StdOut).Length >= 24, TimeSpan.FromMinutes(1), "lines after the reopen");
            Thread.Sleep(500);
            daemon.Signal("TERM");
            Assert.Equal(0, daemon.WaitForExit(TimeSpan.FromMinutes(1)));
            var summary = Summary(daemon.StdOut);
            Assert.True(summary.GetProperty("source_outages").GetInt64() >= 1);
            Assert.True(summary.GetProperty("source_reopens").GetInt64() >= 1);
            Assert.Equal(600, summary.GetProperty("samples_classified").GetInt64());
            // The sample index continues across the outage: t = 424 is the 25th sample after it.
            Assert.Contains(Classifications(daemon.StdOut), l => l.Contains("\"t\":424,", StringComparison.Ordinal));
        }
        finally
        {
            pty.Dispose();
        }
    }
}
