using EdgeLstm.Training.Data;

namespace EdgeLstm.Training.Training;

/// <summary>
/// Per-channel mean and standard deviation over every sample of the training recordings, stored
/// in the model so both engines normalize exactly as training did.
/// </summary>
public static class ChannelStatistics
{
    public static (float[] Mean, float[] Std) Compute(Dataset data)
    {
        int c = data.ChannelCount;
        var sum = new double[c];
        var sumSq = new double[c];
        long n = 0;
        foreach (var r in data.Recordings)
        {
            for (int t = 0; t < r.Length; t++)
            {
                var row = r.Row(t);
                for (int j = 0; j < c; j++)
                {
                    sum[j] += row[j];
                    sumSq[j] += (double)row[j] * row[j];
                }
            }
            n += r.Length;
        }
        if (n == 0) throw new ArgumentException("training data has no samples");
        var mean = new float[c];
        var std = new float[c];
        for (int j = 0; j < c; j++)
        {
            double m = sum[j] / n;
            double variance = Math.Max(0, sumSq[j] / n - m * m);
            mean[j] = (float)m;
            std[j] = variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f; // a constant channel is left unscaled
        }
        return (mean, std);
    }

    /// <summary>
    /// A recording's samples normalized exactly as Core's engines do it: (x - mean) * (1 / std) in float32.
    /// </summary>
    public static float[] Normalize(Recording r, float[] mean, float[] std)
    {
        int c = r.ChannelCount;
        var invStd = std.Select(s => s > 0 ? 1f / s : 1f).ToArray();
        var result = new float[r.Samples.Length];
        for (int i = 0; i < result.Length; i++)
        {
            int j = i % c;
            result[i] = (r.Samples[i] - mean[j]) * invStd[j];
        }
        return result;
    }
}
