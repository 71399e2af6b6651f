using System.Globalization;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeLstm.Daemon.Service;

/// <summary>
/// The systemd notify protocol (sd_notify) through the hosting package's notifier, used whenever
/// NOTIFY_SOCKET is set. We do not let UseSystemd() decide: it looks for systemd as the parent
/// process, which fails under ProtectProc=invisible (dotnet/runtime issue 125368) and in tests,
/// and it never sends WATCHDOG=1.
/// </summary>
public sealed class ServiceNotifier
{
    private readonly SystemdNotifier _notifier = new();

    /// <summary>True when systemd (or a test) gave us a NOTIFY_SOCKET.</summary>
    public bool IsEnabled => _notifier.IsEnabled;

    /// <summary>The watchdog period systemd expects pings within, when WatchdogSec= is set for this process.</summary>
    public TimeSpan? WatchdogInterval { get; } = ReadWatchdog();

    public void Ready() => Send("READY=1");
    public void Stopping() => Send("STOPPING=1");
    public void Watchdog() => Send("WATCHDOG=1");

    /// <summary>RELOADING=1 with the monotonic timestamp systemd 253+ wants for Type=notify-reload; older versions ignore it.</summary>
    public void Reloading() =>
        Send($"RELOADING=1\nMONOTONIC_USEC={(long)(System.Diagnostics.Stopwatch.GetTimestamp() * (1e6 / System.Diagnostics.Stopwatch.Frequency))}");

    /// <summary>One line of live counters for `systemctl status`.</summary>
    public void Status(string text) => Send("STATUS=" + text.Replace('\n', ' '));

    private void Send(string state)
    {
        if (_notifier.IsEnabled) _notifier.Notify(new ServiceState(state));
    }

    private static TimeSpan? ReadWatchdog()
    {
        // WATCHDOG_PID, when set, names the process the watchdog is meant for (not a child we started).
        string? pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (pid is not null && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture)) return null;
        return long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out long usec) && usec > 0
            ? TimeSpan.FromMicroseconds(usec)
            : null;
    }
}
