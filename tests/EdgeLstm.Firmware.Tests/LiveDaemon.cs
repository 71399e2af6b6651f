using System.Diagnostics;
using System.Text.Json;

namespace EdgeLstm.Firmware.Tests;

/// <summary>
/// `edgelstm run` or `replay` (the JIT build beside the tests) as a real process: stdout lines collected as
/// they come, a real SIGTERM to stop it (it then drains and prints its summary).
/// </summary>
internal sealed class LiveDaemon : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [], _stderr = [];

    /// <summary>`edgelstm run --config CONFIG --summary`.</summary>
    public LiveDaemon(string config) : this(["run", "--config", config, "--summary"])
    {
    }

    public LiveDaemon(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "edgelstm.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;

    public string[] StdOut { get { lock (_stdout) return [.. _stdout]; } }
    public string StdErr { get { lock (_stderr) return string.Join(" | ", _stderr); } }

    /// <summary>Waits until the daemon holds <paramref name="device"/> open (its /proc fd table shows it).</summary>
    public void WaitUntilOpen(string device, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!HoldsOpen(device))
        {
            if (_process.HasExited) throw new InvalidOperationException($"edgelstm exited ({_process.ExitCode}): {StdErr}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"edgelstm did not open {device}: {StdErr}");
            Thread.Sleep(50);
        }
    }

    private bool HoldsOpen(string device)
    {
        try
        {
            return new DirectoryInfo($"/proc/{_process.Id}/fd").EnumerateFileSystemInfos().Any(fd => fd.LinkTarget == device);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // an fd closed while we looked
        }
    }

    public bool WaitUntil(Func<string[], bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done(StdOut))
        {
            if (_process.HasExited)
            {
                _process.WaitForExit(); // drains the output readers
                return done(StdOut);
            }
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(100);
        }
        return true;
    }

    /// <summary>SIGTERM, then the exit code once it has drained.</summary>
    public int Stop()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        if (!_process.WaitForExit(TimeSpan.FromMinutes(1))) throw new TimeoutException("edgelstm did not stop on SIGTERM");
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
    }

    /// <summary>The classification lines (they carry "t"), each without its "time", which differs between live and replay.</summary>
    public static List<string> Classifications(IEnumerable<string> lines) =>
        lines.Where(l => l.Contains("\"t\":", StringComparison.Ordinal)).Select(WithoutTime).ToList();

    public static JsonElement Summary(IEnumerable<string> lines) =>
        JsonDocument.Parse(lines.Last(l => l.Contains("\"summary\":true", StringComparison.Ordinal))).RootElement;

    private static string WithoutTime(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var o = doc.RootElement;
        return $"t={o.GetProperty("t").GetInt64()} label={o.GetProperty("label").GetString()} score={o.GetProperty("score").GetRawText()}";
    }
}
