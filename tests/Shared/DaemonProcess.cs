using System.Diagnostics;

namespace EdgeLstm.Tests.Shared;

/// <summary>
/// A long-running `edgelstm` (run, replay, record) or another program that runs it (socat,
/// setsid): its stdout and stderr lines collected as they come, real signals to stop it.
/// </summary>
internal sealed class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    /// <summary>
    /// The JIT build beside the tests (edgelstm.dll), through env(1) with SIGINT reset to its
    /// default: a test host started in the background (`cmd &amp;` in a script, nohup) inherits
    /// SIGINT ignored, passes that on, and the runtime then never installs its SIGINT handler, so
    /// `kill -INT` would do nothing. systemd and an interactive shell start the service with
    /// SIGINT default.
    /// </summary>
    public DaemonProcess(params string[] args)
        : this("env", ["--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "edgelstm.dll"), .. args])
    {
    }

    public DaemonProcess(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>The daemon's standard input (for stdin sources).</summary>
    public StreamWriter StdIn => _process.StandardInput;

    public bool HasExited => _process.HasExited;

    /// <summary>The process's standard input (a data source, or keys for a terminal it runs on).</summary>
    public Stream StandardInput => _process.StandardInput.BaseStream;

    public string[] StdOut { get { lock (_stdout) return [.. _stdout]; } }
    public string[] StdErr { get { lock (_stderr) return [.. _stderr]; } }

    /// <summary>Standard error so far as one line, for assertion messages.</summary>
    public string ErrorText => string.Join(" | ", StdErr);

    /// <summary>Polls until the condition holds over the output seen so far, or fails after the timeout or once the process exited without it.</summary>
    public void WaitUntil(Func<DaemonProcess, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            bool exited = DrainIfExited();
            if (condition(this)) return;
            if (exited) throw new InvalidOperationException($"edgelstm exited ({_process.ExitCode}) while waiting for {what}: {ErrorText}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}; stderr: {ErrorText}");
            Thread.Sleep(50);
        }
    }

    /// <summary>Polls until the condition holds over stdout so far; false after the timeout, or if it does not hold once the process exited.</summary>
    public bool WaitFor(Func<string[], bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            bool exited = DrainIfExited();
            if (done(StdOut)) return true;
            if (exited || DateTime.UtcNow > deadline) return false;
            Thread.Sleep(50);
        }
    }

    /// <summary>
    /// Whether the process has exited; if so, first waits for its output readers to deliver the
    /// last lines (HasExited turns true before they have: a condition such as "exited" would
    /// otherwise be judged over incomplete output).
    /// </summary>
    private bool DrainIfExited()
    {
        if (!_process.HasExited) return false;
        _process.WaitForExit();
        return true;
    }

    /// <summary>Waits until the process holds <paramref name="device"/> open (its /proc fd table shows it).</summary>
    public void WaitUntilOpen(string device, TimeSpan timeout) =>
        WaitUntil(p => p.HoldsOpen(device), timeout, $"{device} to be opened");

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

    public void Signal(string name)
    {
        using var kill = Process.Start("kill", $"-{name} {_process.Id}");
        kill.WaitForExit();
    }

    /// <summary>SIGTERM, then the exit code once it has drained (within a minute).</summary>
    public int Stop()
    {
        Signal("TERM");
        return WaitForExit(TimeSpan.FromMinutes(1));
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) throw new TimeoutException("edgelstm did not exit");
        _process.WaitForExit(); // drains the asynchronous output readers
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
    }
}
