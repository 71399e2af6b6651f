using System.Diagnostics;

namespace EdgeLstm.Daemon.Counters;

/// <summary>
/// Latencies in logarithmic buckets (8 per octave from 1 microsecond to about 70 s), lock-free and
/// allocation-free to record, so every classification can be recorded; quantiles are read
/// at run time with the bucket's upper bound (at most 9% above the true value).
/// </summary>
public sealed class LatencyHistogram
{
    private const int PerOctave = 8;
    private const int Buckets = 26 * PerOctave;
    private readonly long[] _counts = new long[Buckets];
    private long _count, _maxTicks;

    private static readonly double TicksPerMicrosecond = Stopwatch.Frequency / 1e6;

    public long Count => Volatile.Read(ref _count);

    public void Record(long stopwatchTicks)
    {
        double us = stopwatchTicks / TicksPerMicrosecond;
        int bucket = us <= 1 ? 0 : Math.Min(Buckets - 1, (int)Math.Ceiling(Math.Log2(us) * PerOctave));
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Increment(ref _count);
        long max;
        while (stopwatchTicks > (max = Volatile.Read(ref _maxTicks)) && Interlocked.CompareExchange(ref _maxTicks, stopwatchTicks, max) != max) { }
    }

    /// <summary>The q-quantile in microseconds (upper bound of its bucket), 0 when empty.</summary>
    public double QuantileMicroseconds(double q)
    {
        long total = Count;
        if (total == 0) return 0;
        long rank = (long)Math.Ceiling(q * total), seen = 0;
        for (int b = 0; b < Buckets; b++)
        {
            seen += Volatile.Read(ref _counts[b]);
            if (seen >= rank) return Math.Pow(2, (double)b / PerOctave);
        }
        return MaxMicroseconds;
    }

    public double MaxMicroseconds => Volatile.Read(ref _maxTicks) / TicksPerMicrosecond;
}
