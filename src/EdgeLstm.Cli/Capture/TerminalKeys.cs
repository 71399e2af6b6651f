using System.Diagnostics;

namespace EdgeLstm.Cli.Capture;

/// <summary>
/// Single key presses from the controlling terminal (/dev/tty, so standard input stays free to be
/// the data source). The terminal is put in non-canonical, no-echo mode with stty for the capture
/// and restored on dispose; Ctrl-C still sends SIGINT (signals stay enabled). A background thread
/// reads the keys; a read blocked at exit does not keep the process alive.
/// </summary>
public sealed class TerminalKeys : IDisposable
{
    private const string Tty = "/dev/tty";
    private readonly FileStream _tty;
    private readonly string? _savedMode;

    private TerminalKeys(FileStream tty, string? savedMode)
    {
        _tty = tty;
        _savedMode = savedMode;
    }

    /// <summary>Opens the controlling terminal, or returns null with the reason when there is none.</summary>
    public static TerminalKeys? Open(out string? reason)
    {
        reason = null;
        FileStream tty;
        try
        {
            tty = new FileStream(Tty, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reason = $"no controlling terminal ({e.Message})";
            return null;
        }
        string? saved = Stty("-g")?.Trim();
        if (saved is null || Stty("-icanon", "-echo", "min", "1", "time", "0") is null)
        {
            tty.Dispose();
            reason = "the terminal's mode cannot be set (stty failed)";
            return null;
        }
        return new TerminalKeys(tty, saved);
    }

    /// <summary>Calls <paramref name="onKey"/> for every byte typed, on a background thread, until disposed.</summary>
    public void Start(Action<char> onKey)
    {
        var thread = new Thread(() =>
        {
            var one = new byte[1];
            try
            {
                while (_tty.Read(one, 0, 1) == 1) onKey((char)one[0]);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException) { }
        })
        { IsBackground = true, Name = "terminal keys" };
        thread.Start();
    }

    public void Dispose()
    {
        if (_savedMode is not null) Stty(_savedMode);
        // The reader thread may sit in read(2); it is a background thread, so it ends with the process.
    }

    /// <summary>Runs stty on the controlling terminal; its standard output, or null when it failed.</summary>
    private static string? Stty(params string[] args)
    {
        var start = new ProcessStartInfo("stty") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-F");
        start.ArgumentList.Add(Tty);
        foreach (var a in args) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
