using System.Globalization;
using EdgeLstm.Daemon.Flow;

namespace EdgeLstm.Daemon.Service;

/// <summary>
/// Tells systemd the truth about a running pipeline: READY=1 once it runs (model loaded, sources
/// opened by Start), WATCHDOG=1 at half the watchdog period but only while the pipeline is alive,
/// STATUS= with live counters, STOPPING=1 when asked to stop. Alive means: the stages still run
/// and none is stalled (<see cref="StallMonitor"/>: work waiting and no output progress for the
/// stall interval, half the watchdog period under systemd, else 10 s). A stalled pipeline says
/// STALLED in STATUS= and /health and stops the pings, and systemd restarts us.
/// </summary>
public sealed class PipelineSupervisor : IDisposable
{
    private readonly Pipeline _pipeline;
    private readonly ServiceNotifier _notifier;
    private Timer? _timer;

    public PipelineSupervisor(Pipeline pipeline, ServiceNotifier notifier)
    {
        _pipeline = pipeline;
        _notifier = notifier;
        Stalls = new StallMonitor(pipeline, notifier.WatchdogInterval is { } w ? w / 2 : TimeSpan.FromSeconds(10));
    }

    /// <summary>The pipeline's stall state, for /health and status as well as the watchdog.</summary>
    public StallMonitor Stalls { get; }

    /// <summary>READY=1 (call once the pipeline runs and everything the service offers is up), then the ticks.</summary>
    public void Start()
    {
        if (!_notifier.IsEnabled) return;
        var period = _notifier.WatchdogInterval is { } w ? w / 2 : TimeSpan.FromSeconds(5);
        _notifier.Ready();
        Tick();
        _timer = new Timer(_ => Tick(), null, period, period);
    }

    /// <summary>Whether the last tick found the pipeline alive.</summary>
    public bool Alive { get; private set; } = true;

    /// <summary>A reload (SIGHUP) begins: RELOADING=1; <see cref="Reloaded"/> sends READY=1 again when it is over, applied or not.</summary>
    public void Reloading() => _notifier.Reloading();
    public void Reloaded() => _notifier.Ready();

    public void Stopping()
    {
        _timer?.Change(Timeout.Infinite, Timeout.Infinite);
        _notifier.Stopping();
    }

    public void Dispose()
    {
        _timer?.Dispose();
        Stalls.Dispose();
    }

    private void Tick()
    {
        var stall = Stalls.Observe();
        _pipeline.SummarizeRejections();
        Alive = _pipeline.IsRunning && !stall.Stalled;
        var c = _pipeline.Counters;
        string state = Alive ? "running" : stall.Stalled ? $"STALLED ({stall.Reason})" : "STOPPED";
        _notifier.Status(string.Create(CultureInfo.InvariantCulture,
            $"{state}: {c.Classified} samples classified, {c.Emitted} classifications, {c.RejectedTotal} rejected, {c.Dropped} dropped, {c.StreamSessions} streams, {c.Outages} source outages"));
        if (Alive && _notifier.WatchdogInterval is not null) _notifier.Watchdog();
    }
}
