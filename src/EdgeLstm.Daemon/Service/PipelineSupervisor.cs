using System.Globalization;
using EdgeLstm.Daemon.Hosting;

namespace EdgeLstm.Daemon.Service;

/// <summary>
/// Tells systemd the truth about a running pipeline: READY=1 once it runs (model loaded, sources
/// opened by Start), WATCHDOG=1 at half the watchdog period but only while the pipeline is alive,
/// STATUS= with live counters, STOPPING=1 when asked to stop. Alive means: the stages still run,
/// and since the last tick either data moved or nothing was waiting in the queues (a silent
/// sensor is idle, not stalled). A stage stuck with work queued stops the pings, and systemd
/// restarts us.
/// </summary>
public sealed class PipelineSupervisor : IDisposable
{
    private readonly Pipeline _pipeline;
    private readonly ServiceNotifier _notifier;
    private Timer? _timer;
    private long _lastProgress = -1;

    public PipelineSupervisor(Pipeline pipeline, ServiceNotifier notifier)
    {
        _pipeline = pipeline;
        _notifier = notifier;
    }

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

    public void Dispose() => _timer?.Dispose();

    private void Tick()
    {
        long progress = _pipeline.Counters.Progress;
        var (input, output) = _pipeline.Queued;
        bool moved = progress != Interlocked.Exchange(ref _lastProgress, progress);
        Alive = _pipeline.IsRunning && (moved || input + output == 0);
        var c = _pipeline.Counters;
        _notifier.Status(string.Create(CultureInfo.InvariantCulture,
            $"{(Alive ? "running" : "STALLED")}: {c.Classified} samples classified, {c.Emitted} classifications, {c.RejectedTotal} rejected, {c.Dropped} dropped, {c.StreamSessions} streams, {c.Outages} source outages"));
        if (Alive && _notifier.WatchdogInterval is not null) _notifier.Watchdog();
    }
}
