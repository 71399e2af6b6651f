using System.Diagnostics;

namespace EdgeLstm.Daemon.Counters;

/// <summary>
/// Latencies in logarithmic buckets (8 per octave from 1 microsecond to about 70 s), lock-free and
/// allocation-free to record, so every classification can be recorded; quantiles are read
/// at run time with the bucket's upper bound (at most 9% above the true value), but never above
/// the largest latency recorded. The sum is exact (ticks), for Prometheus's <c>_sum</c>.
/// </summary>
public sealed class LatencyHistogram
{
    private const int PerOctave = 8;
    private const int Buckets = 26 * PerOctave;
    private readonly long[] _counts = new long[Buckets];
    private long _count, _maxTicks, _sumTicks;

    private static readonly double TicksPerMicrosecond = Stopwatch.Frequency / 1e6;

    public long Count => Volatile.Read(ref _count);

    public void Record(long stopwatchTicks)
    {
        double us = stopwatchTicks / TicksPerMicrosecond;
        int bucket = us <= 1 ? 0 : Math.Min(Buckets - 1, (int)Math.Ceiling(Math.Log2(us) * PerOctave));
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sumTicks, stopwatchTicks);
        long max;
        while (stopwatchTicks > (max = Volatile.Read(ref _maxTicks)) && Interlocked.CompareExchange(ref _maxTicks, stopwatchTicks, max) != max) { }
    }

    /// <summary>The q-quantile in microseconds (upper bound of its bucket, clamped to the maximum), 0 when empty.</summary>
    public double QuantileMicroseconds(double q)
    {
        long total = Count;
        if (total == 0) return 0;
        long rank = (long)Math.Ceiling(q * total), seen = 0;
        for (int b = 0; b < Buckets; b++)
        {
            seen += Volatile.Read(ref _counts[b]);
            if (seen >= rank) return Math.Min(Math.Pow(2, (double)b / PerOctave), MaxMicroseconds);
        }
        return MaxMicroseconds;
    }

    /// <summary>
    /// Cumulative counts at the given upper bounds (seconds, ascending) for a Prometheus histogram:
    /// a bucket counts toward a bound when its own upper bound is within it.
    /// </summary>
    public (double UpperBound, long Cumulative)[] Cumulative(IReadOnlyList<double> boundsSeconds)
    {
        var result = new (double, long)[boundsSeconds.Count];
        long seen = 0;
        int b = 0;
        for (int i = 0; i < boundsSeconds.Count; i++)
        {
            double limitUs = boundsSeconds[i] * 1e6;
            for (; b < Buckets && Math.Pow(2, (double)b / PerOctave) <= limitUs; b++) seen += Volatile.Read(ref _counts[b]);
            result[i] = (boundsSeconds[i], seen);
        }
        return result;
    }

    /// <summary>Sum of the recorded latencies in seconds, exact (not at bucket bounds).</summary>
    public double SumSeconds => Volatile.Read(ref _sumTicks) / (double)Stopwatch.Frequency;

    public double MaxMicroseconds => Volatile.Read(ref _maxTicks) / TicksPerMicrosecond;
}
