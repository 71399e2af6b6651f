using EdgeLstm.Core.Model;

namespace EdgeLstm.Training.Data;

/// <summary>
/// Per-channel mean and standard deviation over training data (every sample of the training
/// recordings, labelled or not: the model sees them all when streaming). Accumulated in double
/// with Welford's update, so the result does not depend on the size of the sums.
/// </summary>
public sealed record NormalizationStatistics(float[] Mean, float[] Std)
{
    public static NormalizationStatistics Compute(IEnumerable<Recording> recordings, int channels)
    {
        var mean = new double[channels];
        var m2 = new double[channels];
        long n = 0;
        foreach (var r in recordings)
        {
            for (int t = 0; t < r.Length; t++)
            {
                n++;
                var row = r.Row(t);
                for (int c = 0; c < channels; c++)
                {
                    double delta = row[c] - mean[c];
                    mean[c] += delta / n;
                    m2[c] += delta * (row[c] - mean[c]);
                }
            }
        }
        if (n == 0) throw new ArgumentException("no samples to compute normalization statistics from", nameof(recordings));
        // A constant channel keeps std 1: dividing by ~0 would only amplify noise.
        var std = m2.Select(v => Math.Sqrt(v / n)).Select(s => s > 1e-8 ? (float)s : 1f).ToArray();
        return new NormalizationStatistics(mean.Select(v => (float)v).ToArray(), std);
    }

    public static NormalizationStatistics Compute(Dataset training) => Compute(training.Recordings, training.ChannelCount);

    /// <summary>Stores the statistics in a model's metadata, where both engines apply them.</summary>
    public void ApplyTo(ModelMetadata metadata)
    {
        metadata.Mean = (float[])Mean.Clone();
        metadata.Std = (float[])Std.Clone();
    }
}
