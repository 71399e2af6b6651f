using System.Diagnostics;
using System.Globalization;
using EdgeLstm.Daemon.Flow;

namespace EdgeLstm.Daemon.Service;

/// <summary>
/// Tells a stalled pipeline from an idle one, stage by stage: a stage is stalled when it has work
/// waiting and has not moved for <see cref="After"/>. The classifier stage's work is the input
/// queue and its progress the samples it classified; the output stage's work is the output queue
/// and its progress the lines handed to the sinks. Bytes arriving and samples dropped at a full
/// input are not progress: an output stuck while its input overflows is a stall, and a silent
/// sensor (nothing waiting) is idle. Observed once a second by its own timer, so "waiting since"
/// is known to the second whoever asks (the watchdog, /health, status).
/// </summary>
public sealed class StallMonitor : IDisposable
{
    private readonly Pipeline _pipeline;
    private readonly Timer _timer;
    private readonly Stage _classifier = new("classifier"), _output = new("output");
    private StallReport _last = StallReport.Running;

    /// <param name="after">How long a stage may hold waiting work without moving before it is stalled.</param>
    public StallMonitor(Pipeline pipeline, TimeSpan after)
    {
        _pipeline = pipeline;
        After = after;
        _timer = new Timer(_ => Observe(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public TimeSpan After { get; }

    /// <summary>The state at the latest observation (at most a second old).</summary>
    public StallReport Current
    {
        get { lock (_timer) return _last; }
    }

    /// <summary>Observes the counters now and returns the state.</summary>
    public StallReport Observe()
    {
        lock (_timer)
        {
            long now = Stopwatch.GetTimestamp();
            var c = _pipeline.Counters;
            var (input, output) = _pipeline.Queued;
            string? classifier = _classifier.Observe(c.Classified, input, now, After, "samples classified");
            string? sinks = _output.Observe(c.Written, output, now, After, "lines written");
            string? reason = classifier ?? sinks;
            if (classifier is not null && sinks is not null) reason = classifier + "; " + sinks;
            return _last = reason is null ? StallReport.Running : new StallReport(true, reason);
        }
    }

    public void Dispose() => _timer.Dispose();

    private sealed class Stage(string name)
    {
        private long _progress = -1, _since;

        /// <summary>The stall reason, or null when the stage moved or has nothing waiting.</summary>
        public string? Observe(long progress, int queued, long now, TimeSpan after, string what)
        {
            if (progress != _progress || queued == 0)
            {
                _progress = progress;
                _since = now; // moved, or idle: the clock starts again
                return null;
            }
            var still = Stopwatch.GetElapsedTime(_since, now);
            return still < after ? null
                : string.Create(CultureInfo.InvariantCulture, $"{name} stage: {queued} batches waiting and no {what} for {still.TotalSeconds:F1} s");
        }
    }
}

/// <summary>Stalled or not, and why.</summary>
public readonly record struct StallReport(bool Stalled, string Reason)
{
    public static StallReport Running { get; } = new(false, "");
}
