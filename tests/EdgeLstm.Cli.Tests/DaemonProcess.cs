using System.Diagnostics;

namespace EdgeLstm.Cli.Tests;

/// <summary>A long-running `edgelstm` (run, replay) whose stdout lines are collected as they come, and which receives real signals.</summary>
internal sealed class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    // Through env(1) with SIGINT reset to its default: a test host started in the background
    // (`cmd &` in a script, nohup) inherits SIGINT ignored, passes that on, and the runtime then
    // never installs its SIGINT handler, so `kill -INT` would do nothing (the SIGINT drain
    // test's rare hang). systemd and an interactive shell start the service with SIGINT default.
    public DaemonProcess(params string[] args)
        : this("env", ["--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "edgelstm.dll"), .. args])
    {
    }

    /// <summary>Another program (socat, setsid) that runs edgelstm, with the same collection of its output.</summary>
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

    /// <summary>Polls until the condition holds over the output seen so far, or fails after the timeout.</summary>
    public void WaitUntil(Func<DaemonProcess, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(this))
        {
            if (_process.HasExited) throw new InvalidOperationException($"edgelstm exited ({_process.ExitCode}) while waiting for {what}: {string.Join(" | ", StdErr)}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}; stderr: {string.Join(" | ", StdErr)}");
            Thread.Sleep(50);
        }
    }

    public void Signal(string name)
    {
        using var kill = Process.Start("kill", $"-{name} {_process.Id}");
        kill.WaitForExit();
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
        _process.Dispose();
    }
}
