using System.Diagnostics;

namespace EdgeLstm.Cli.Tests;

/// <summary>
/// A pseudo-terminal pair from socat: the daemon opens <see cref="DevicePath"/> as its serial port,
/// the test writes into <see cref="FeedPath"/>. Disposing kills socat, which deletes both links:
/// the "device" vanishes like an unplugged USB adapter.
/// </summary>
internal sealed class PtyPair : IDisposable
{
    private readonly Process _socat;

    public PtyPair(string devicePath, string feedPath)
    {
        DevicePath = devicePath;
        FeedPath = feedPath;
        var start = new ProcessStartInfo("socat") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { $"pty,raw,echo=0,link={devicePath}", $"pty,raw,echo=0,link={feedPath}" }) start.ArgumentList.Add(a);
        _socat = Process.Start(start)!;
        _socat.ErrorDataReceived += (_, _) => { };
        _socat.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(File.Exists(devicePath) && File.Exists(feedPath)))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("socat did not create the pty pair");
            Thread.Sleep(20);
        }
    }

    public string DevicePath { get; }
    public string FeedPath { get; }

    public FileStream OpenFeed() => new(FeedPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);

    /// <summary>Writes lines at the given rate (absolute deadlines, so the pace does not drift).</summary>
    public static void WritePaced(Stream feed, IEnumerable<string> lines, double rateHz)
    {
        var clock = Stopwatch.StartNew();
        int i = 0;
        foreach (var line in lines)
        {
            double due = i++ / rateHz - clock.Elapsed.TotalSeconds;
            if (due > 0) Thread.Sleep(TimeSpan.FromSeconds(due));
            var bytes = System.Text.Encoding.ASCII.GetBytes(line + "\n");
            feed.Write(bytes);
            feed.Flush();
        }
    }

    public void Dispose()
    {
        if (!_socat.HasExited)
        {
            _socat.Kill();
            _socat.WaitForExit(10_000);
        }
        _socat.Dispose();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((File.Exists(DevicePath) || File.Exists(FeedPath)) && DateTime.UtcNow < deadline) Thread.Sleep(20);
    }
}
