namespace EdgeLstm.Training.Data;

/// <summary>
/// The one per-channel mean and standard deviation of the project: over every sample of the
/// training recordings (labelled or not: the model sees them all when streaming), population
/// variance from sums of x and x² in double, a constant channel (variance below 1e-12) left
/// unscaled with std 1. Stored in the model (<see cref="ApplyTo"/>), where both engines apply
/// (x - mean) * (1 / std) in float32; <see cref="Normalize"/> does the same for training.
/// </summary>
public sealed record NormalizationStatistics(float[] Mean, float[] Std)
{
    public static NormalizationStatistics Compute(IEnumerable<Recording> recordings, int channels)
    {
        var sum = new double[channels];
        var sumSq = new double[channels];
        long n = 0;
        foreach (var r in recordings)
        {
            for (int t = 0; t < r.Length; t++)
            {
                var row = r.Row(t);
                for (int j = 0; j < channels; j++)
                {
                    sum[j] += row[j];
                    sumSq[j] += (double)row[j] * row[j];
                }
            }
            n += r.Length;
        }
        if (n == 0) throw new ArgumentException("training data has no samples", nameof(recordings));
        var mean = new float[channels];
        var std = new float[channels];
        for (int j = 0; j < channels; j++)
        {
            double m = sum[j] / n;
            double variance = Math.Max(0, sumSq[j] / n - m * m);
            mean[j] = (float)m;
            std[j] = variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f;
        }
        return new NormalizationStatistics(mean, std);
    }

    public static NormalizationStatistics Compute(Dataset training) => Compute(training.Recordings, training.ChannelCount);

    /// <summary>Stores the statistics in a model's metadata, where both engines apply them.</summary>
    public void ApplyTo(ModelMetadata metadata)
    {
        metadata.Mean = (float[])Mean.Clone();
        metadata.Std = (float[])Std.Clone();
    }

    /// <summary>A recording's samples normalized exactly as Core's engines do it: (x - mean) * (1 / std) in float32.</summary>
    public float[] Normalize(Recording r)
    {
        int c = r.ChannelCount;
        var invStd = Std.Select(s => s > 0 ? 1f / s : 1f).ToArray();
        var result = new float[r.Samples.Length];
        for (int i = 0; i < result.Length; i++)
        {
            int j = i % c;
            result[i] = (r.Samples[i] - Mean[j]) * invStd[j];
        }
        return result;
    }
}
