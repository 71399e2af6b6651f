namespace EdgeLstm.Core.Float;

/// <summary>Plain float32 building blocks of the reference engine. Deterministic: fixed summation order.</summary>
internal static class FloatMath
{
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    public static float Clip(float x, float clip) => clip > 0 ? Math.Clamp(x, -clip, clip) : x;

    /// <summary>out[r] += sum_j m[r, j] * v[j] for a row-major matrix with v.Length columns.</summary>
    public static void MatVecAdd(ReadOnlySpan<float> m, ReadOnlySpan<float> v, Span<float> output)
    {
        int cols = v.Length;
        for (int r = 0; r < output.Length; r++)
        {
            var row = m.Slice(r * cols, cols);
            float sum = 0;
            for (int j = 0; j < cols; j++) sum += row[j] * v[j];
            output[r] += sum;
        }
    }

    /// <summary>sum_j a[j] * b[j], in index order.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float sum = 0;
        for (int j = 0; j < a.Length; j++) sum += a[j] * b[j];
        return sum;
    }

    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        float max = float.NegativeInfinity;
        foreach (float l in logits) max = MathF.Max(max, l);
        float sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            probabilities[i] = MathF.Exp(logits[i] - max);
            sum += probabilities[i];
        }
        for (int i = 0; i < logits.Length; i++) probabilities[i] /= sum;
    }
}
