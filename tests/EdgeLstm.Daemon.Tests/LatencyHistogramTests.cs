using System.Diagnostics;
using EdgeLstm.Daemon.Counters;

namespace EdgeLstm.Daemon.Tests;

/// <summary>The latency histogram's quantiles never exceed the maximum recorded, and its sum is exact.</summary>
public class LatencyHistogramTests
{
    private static long Ticks(double microseconds) => (long)Math.Round(microseconds * Stopwatch.Frequency / 1e6);

    [Fact]
    public void Quantiles_are_clamped_to_the_maximum_and_the_sum_is_exact()
    {
        // The field case: every latency near 60 ms, in the bucket whose upper bound is 65,536 µs.
        var h = new LatencyHistogram();
        double[] us = [58_000, 59_500, 60_250, 61_729];
        foreach (double u in us) h.Record(Ticks(u));
        double max = h.MaxMicroseconds;
        Assert.Equal(61_729, max, 0.5);
        Assert.True(h.QuantileMicroseconds(0.99) <= max, $"p99 {h.QuantileMicroseconds(0.99)} > max {max}");
        Assert.True(h.QuantileMicroseconds(0.5) <= max);
        Assert.Equal(us.Sum() / 1e6, h.SumSeconds, 1e-6);
    }

    [Fact]
    public void An_empty_histogram_answers_zero()
    {
        var h = new LatencyHistogram();
        Assert.Equal(0, h.QuantileMicroseconds(0.99));
        Assert.Equal(0, h.SumSeconds);
    }
}
