namespace EdgeLstm.Daemon.Flow;

/// <summary>
/// Exponential retry delays, the one schedule of every reconnect and reopen (MQTT, TCP and serial
/// sinks, serial sources): min, 2*min, 4*min ... capped at max, with up to 20% random jitter so a
/// fleet of boards does not retry in lockstep after a broker restart. One per retrying party; not
/// thread-safe.
/// </summary>
public sealed class Backoff(TimeSpan min, TimeSpan max)
{
    private int _failures;

    public TimeSpan Next()
    {
        double seconds = Math.Min(max.TotalSeconds, min.TotalSeconds * Math.Pow(2, Math.Min(_failures, 30)));
        _failures++;
        return TimeSpan.FromSeconds(seconds * (1 + 0.2 * Random.Shared.NextDouble()));
    }

    public void Succeeded() => _failures = 0;
}
