namespace EdgeLstm.Training.Data;

/// <summary>Maximal runs of one class in a label sequence: how segments are found and how labels are stored compactly.</summary>
public static class LabelRuns
{
    /// <summary>(start, length, class) of each run of one class, in order; unlabelled samples are the gaps.</summary>
    public static List<(int Start, int Length, int Label)> Of(ReadOnlySpan<int> labels)
    {
        var runs = new List<(int, int, int)>();
        int t = 0;
        while (t < labels.Length)
        {
            int start = t, label = labels[t];
            while (t < labels.Length && labels[t] == label) t++;
            if (label != Recording.Unlabelled) runs.Add((start, t - start, label));
        }
        return runs;
    }
}
