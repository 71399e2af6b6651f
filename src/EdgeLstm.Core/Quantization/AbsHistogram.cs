namespace EdgeLstm.Core.Quantization;

/// <summary>
/// Histogram of magnitudes |x| over [0, Max] in equal bins, for choosing a quantization range
/// other than the largest value seen: a percentile, or the range of least mean squared error.
/// </summary>
public sealed class AbsHistogram
{
    public AbsHistogram(float max, int bins = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        Max = max > 0 ? max : 1e-6f;
        Counts = new long[bins];
    }

    public float Max { get; }
    public long[] Counts { get; }
    public long Total { get; private set; }
    public float BinWidth => Max / Counts.Length;

    public void Add(float value)
    {
        float a = MathF.Abs(value);
        int bin = (int)(a / Max * Counts.Length);
        Counts[Math.Clamp(bin, 0, Counts.Length - 1)]++;
        Total++;
    }

    /// <summary>The upper edge of the bin where the cumulative share reaches <paramref name="fraction"/> (0..1).</summary>
    public float Percentile(double fraction)
    {
        long target = (long)Math.Ceiling(fraction * Total);
        long seen = 0;
        for (int b = 0; b < Counts.Length; b++)
        {
            seen += Counts[b];
            if (seen >= target) return (b + 1) * BinWidth;
        }
        return Max;
    }

    /// <summary>
    /// Mean squared error of quantizing the histogram's values to a grid of <paramref name="step"/>
    /// clipped at ±<paramref name="range"/>: step²/12 for values inside, (|x| - range)² for values
    /// beyond (each bin taken at its centre).
    /// </summary>
    public double MeanSquaredError(double range, double step)
    {
        if (Total == 0) return 0;
        double sum = 0;
        for (int b = 0; b < Counts.Length; b++)
        {
            if (Counts[b] == 0) continue;
            double centre = (b + 0.5) * BinWidth;
            double e = centre > range ? (centre - range) * (centre - range) : step * step / 12;
            sum += Counts[b] * e;
        }
        return sum / Total;
    }
}
