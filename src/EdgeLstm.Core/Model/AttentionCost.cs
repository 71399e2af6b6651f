namespace EdgeLstm.Core.Model;

/// <summary>
/// The cost model of an attention head (docs/attention.md), shared by the float and integer forms.
/// Every step scores its hidden state; a classification pools the window (Steps x H MACs) and runs
/// the dense head once (H x classes). The windowed daemon classifies once per window run, so the
/// per-classification part is amortized over the window's steps.
/// </summary>
public static class AttentionCost
{
    public static long ScoreMacs(int hidden, int size) => (long)size * hidden + size;

    /// <summary>Pooling plus the dense head, once per classification.</summary>
    public static long ClassifyMacs(int hidden, int steps, int classes) => (long)steps * hidden + (long)hidden * classes;

    /// <summary>Scoring plus the classification's share: ceil((Steps*H + H*classes) / Steps) = H + ceil(H*classes/Steps).</summary>
    public static long AmortizedMacsPerStep(int hidden, int size, int steps, int classes) =>
        ScoreMacs(hidden, size) + (ClassifyMacs(hidden, steps, classes) + steps - 1) / steps;
}
