using System.Diagnostics;
using EdgeLstm.Daemon.Flow;

namespace EdgeLstm.Daemon.Sinks;

/// <summary>
/// A sink's outage (peer away, stuck, or its device absent), shared by the TCP and serial sinks:
/// logged once when it begins and once when it ends, and retried after the next
/// <see cref="Backoff"/> delay, while the sink drops its lines (counted as sink errors).
/// </summary>
internal sealed class SinkOutage(string sink, Action<string> log, TimeSpan minBackoff, TimeSpan maxBackoff)
{
    private readonly Backoff _backoff = new(minBackoff, maxBackoff);
    private long _retryAt;

    public bool IsDown { get; private set; }

    /// <summary>True until the current backoff delay has passed: the sink does not try yet.</summary>
    public bool Waiting => Stopwatch.GetTimestamp() < _retryAt;

    public void Down(string why)
    {
        if (!IsDown) log($"sink {sink}: {why}; lines are dropped (sink_errors) until it takes them again, retrying with backoff");
        IsDown = true;
        _retryAt = Stopwatch.GetTimestamp() + (long)(_backoff.Next().TotalSeconds * Stopwatch.Frequency);
    }

    public void Up(string how)
    {
        if (IsDown) log($"sink {sink}: {how}");
        IsDown = false;
        _backoff.Succeeded();
    }
}
