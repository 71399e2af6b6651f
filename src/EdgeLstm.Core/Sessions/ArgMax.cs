namespace EdgeLstm.Core;

/// <summary>Index of the largest element; the first one wins ties, so both engines break ties alike.</summary>
public static class ArgMax
{
    public static int Of(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    public static int Of(ReadOnlySpan<int> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
