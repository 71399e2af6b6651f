using System.Text;
using EdgeLstm.Tests.Shared;

namespace EdgeLstm.Cli.Tests;

/// <summary>
/// Issue 15, item 1: `edgelstm run SOURCE` classifies a live source without a configuration, as a
/// new user with an Arduino on USB would start: a socat pty fed like a sketch (boot banner first),
/// JSON lines on stdout; options that belong to the other form, or that do not exist, are refused
/// by name.
/// </summary>
public class RunSourceTests
{
    private static readonly string[] Rows = File.ReadLines(Path.Combine(CliProcess.RepoRoot, "firmware-samples", "recordings", "hapt-exp03-user02.csv"))
        .Skip(1).Take(600).Select(l => string.Join(',', l.Split(',')[1..7])).ToArray();

    [Fact]
    public void A_serial_device_is_classified_without_a_configuration_banner_and_all()
    {
        string dir = Directory.CreateTempSubdirectory("edgelstm-run-source").FullName;
        using var pty = PtyPair.In(dir);
        // RUNTIME_DIRECTORY, as systemd sets it, puts the status socket where the test can ask how far the daemon got.
        using var daemon = new DaemonProcess("env", ["--default-signal=INT", $"RUNTIME_DIRECTORY={dir}", "dotnet", Path.Combine(AppContext.BaseDirectory, "edgelstm.dll"),
            "run", $"serial:{pty.DevicePath}", "--model", ImuFixtures.ModelPath, "--summary"]);
        daemon.WaitUntilOpen(pty.DeviceTerminal, TimeSpan.FromSeconds(60));
        using (var feed = pty.OpenFeed())
        {
            feed.Write(Encoding.ASCII.GetBytes("IMU ready\r\n"));
            PtyPair.WritePaced(feed, Rows, 2000);
        }
        daemon.WaitUntil(d => d.StdOut.Any(l => l.StartsWith("{\"stream\":\"ttyUNO\"", StringComparison.Ordinal)), TimeSpan.FromSeconds(60), "a classification");
        daemon.WaitUntil(d => d.StdErr.Any(l => l.Contains("rejected \"IMU ready\" (not_a_header)", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "the banner logged");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Classified(Path.Combine(dir, "status.sock")) < Rows.Length && DateTime.UtcNow < deadline) Thread.Sleep(100);
        Assert.Equal(0, daemon.Stop());
        var summary = System.Text.Json.JsonDocument.Parse(daemon.StdOut.Last(l => l.StartsWith("{\"summary\"", StringComparison.Ordinal))).RootElement;
        Assert.Equal(Rows.Length, summary.GetProperty("samples_classified").GetInt64());
    }

    private static long Classified(string socket)
    {
        var r = CliProcess.Run("status", "--socket", socket);
        return r.ExitCode is 0 or 1 ? System.Text.Json.JsonDocument.Parse(r.StdOut).RootElement.GetProperty("samples_classified").GetInt64() : -1;
    }

    [Fact]
    public async Task Replay_reads_a_recording_from_standard_input()
    {
        string recording = Path.Combine(CliProcess.RepoRoot, "firmware-samples", "recordings", "hapt-exp03-user02.csv");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "edgelstm.dll"), "replay", "-", "--model", ImuFixtures.ModelPath, "--max-speed", "--summary" }) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var input = File.OpenRead(recording)) await input.CopyToAsync(process.StandardInput.BaseStream);
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(120_000));
        Assert.True(process.ExitCode == 0, await stderr);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("{\"stream\":\"stdin\"", lines[0], StringComparison.Ordinal);
        var summary = System.Text.Json.JsonDocument.Parse(lines[^1]).RootElement;
        Assert.Equal(18026, summary.GetProperty("samples_classified").GetInt64());
    }

    [Theory]
    [InlineData("'-' (standard input) can be read once", "replay", "-", "-")]
    [InlineData("give a SOURCE or --config, not both", "run", "tcp:5000", "--config", "x.json")]
    [InlineData("--model, --baud and --format go with a SOURCE", "run", "--baud", "9600")]
    [InlineData("unknown option '--bogus' for 'replay'", "replay", "--bogus", "x.csv")]
    [InlineData("unknown option '--bogus' for 'run'", "run", "--bogus")]
    [InlineData("source 'tcp:x': 'x' is not a port number", "run", "tcp:x")]
    public void Wrong_arguments_are_refused_by_name(string expected, params string[] args)
    {
        var r = CliProcess.Run(args);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.StdErr, StringComparison.Ordinal);
        Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
