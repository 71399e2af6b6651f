using System.Diagnostics;

namespace EdgeLstm.Tests.Shared;

/// <summary>
/// Two pseudo-terminals joined by socat (raw, no echo): the daemon opens <see cref="DevicePath"/>
/// as its serial port, what the test writes into <see cref="FeedPath"/> comes out there.
/// Disposing stops socat, which deletes both links: the "device" vanishes like an unplugged USB
/// adapter.
/// </summary>
internal sealed class PtyPair : IDisposable
{
    private readonly Process _socat;

    public PtyPair(string devicePath, string feedPath)
    {
        DevicePath = devicePath;
        FeedPath = feedPath;
        // Links left by an earlier pair would satisfy the wait below before socat replaces them.
        RemoveLinks();
        var start = new ProcessStartInfo("socat") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { $"pty,raw,echo=0,link={devicePath}", $"pty,raw,echo=0,link={feedPath}" }) start.ArgumentList.Add(a);
        _socat = Process.Start(start)!;
        _socat.ErrorDataReceived += (_, _) => { };
        _socat.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(Resolves(devicePath) && Resolves(feedPath)))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("socat did not create the pty pair");
            Thread.Sleep(20);
        }
    }

    /// <summary>A pair linked as dir/ttyUNO (the device) and dir/feed.</summary>
    public static PtyPair In(string dir) => new(Path.Combine(dir, "ttyUNO"), Path.Combine(dir, "feed"));

    public string DevicePath { get; }
    public string FeedPath { get; }

    /// <summary>The /dev/pts path behind the device link (what the daemon's fd table shows).</summary>
    public string DeviceTerminal => File.ResolveLinkTarget(DevicePath, returnFinalTarget: true)!.FullName;

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
            // SIGTERM: socat closes the ptys and removes its links itself (SIGKILL would leave them dangling).
            Process.Start("kill", ["-TERM", _socat.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            if (!_socat.WaitForExit(10_000)) _socat.Kill();
        }
        _socat.Dispose();
        RemoveLinks();
    }

    /// <summary>The link exists and points at a pty that exists.</summary>
    private static bool Resolves(string link)
    {
        try { return new FileInfo(link).ResolveLinkTarget(returnFinalTarget: true)?.Exists == true; }
        catch (IOException) { return false; }
    }

    private void RemoveLinks()
    {
        foreach (var link in new[] { DevicePath, FeedPath })
            if (new FileInfo(link) is { Exists: true } or { LinkTarget: not null }) File.Delete(link);
    }
}
