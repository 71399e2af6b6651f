using System.Diagnostics;

namespace EdgeLstm.Firmware.Tests;

/// <summary>
/// Two pseudo-terminals joined by socat (raw, no echo): what the test writes into
/// <see cref="FeedPath"/> comes out of <see cref="DevicePath"/>, which the daemon opens as its
/// serial port. Dispose kills socat.
/// </summary>
internal sealed class PtyPair : IDisposable
{
    private readonly Process _socat;

    public PtyPair(string dir)
    {
        DevicePath = Path.Combine(dir, "ttyUNO");
        FeedPath = Path.Combine(dir, "feed");
        var start = new ProcessStartInfo("socat") { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add($"pty,raw,echo=0,link={DevicePath}");
        start.ArgumentList.Add($"pty,raw,echo=0,link={FeedPath}");
        _socat = Process.Start(start)!;
        _socat.ErrorDataReceived += (_, _) => { };
        _socat.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(File.Exists(DevicePath) && File.Exists(FeedPath)))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("socat did not create the pty pair");
            Thread.Sleep(20);
        }
    }

    public string DevicePath { get; }
    public string FeedPath { get; }

    /// <summary>The /dev/pts path behind the device link (what the daemon's fd table shows).</summary>
    public string DeviceTerminal => File.ResolveLinkTarget(DevicePath, returnFinalTarget: true)!.FullName;

    public void Dispose()
    {
        if (!_socat.HasExited) _socat.Kill();
        _socat.WaitForExit(10_000);
        _socat.Dispose();
    }
}
