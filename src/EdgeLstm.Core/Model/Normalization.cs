namespace EdgeLstm.Core.Model;

/// <summary>The per-channel (x - mean) / std that both engines apply to raw samples.</summary>
internal static class Normalization
{
    public static (float[] Mean, float[] InvStd) From(ModelMetadata metadata, int inputs)
    {
        var mean = new float[inputs];
        var invStd = new float[inputs];
        for (int j = 0; j < inputs; j++)
        {
            mean[j] = j < metadata.Mean.Length ? metadata.Mean[j] : 0f;
            float std = j < metadata.Std.Length ? metadata.Std[j] : 1f;
            invStd[j] = std > 0 ? 1f / std : 1f;
        }
        return (mean, invStd);
    }
}
