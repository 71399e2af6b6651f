namespace EdgeLstm.Training.Data;

/// <summary>How a window's label follows from its samples' labels.</summary>
public enum WindowLabelRule
{
    /// <summary>Every sample has the same class; windows with mixed or unlabelled samples are skipped.</summary>
    Uniform,

    /// <summary>The most frequent class among the window's samples (ties: the lower class index); skipped when unlabelled samples are at least half the window.</summary>
    Majority,

    /// <summary>The class of the window's last sample, the one it is classified at; skipped when that sample is unlabelled.</summary>
    Last,
}

/// <summary>
/// Cuts recordings into windows of <c>window</c> samples every <c>hop</c> samples. Two protocols:
/// <see cref="Sliding"/> runs from each recording's start; <see cref="WithinSegments"/> is the
/// UCI HAR protocol: windows (128 samples, 50% overlap there) cut inside single labelled
/// segments only, starting at each segment's first sample.
/// </summary>
public static class Windowing
{
    public const int UciHarWindow = 128;
    public const int UciHarHop = 64;

    public static List<Window> Sliding(IEnumerable<Recording> recordings, int window, int hop, WindowLabelRule rule)
    {
        Check(window, hop);
        var windows = new List<Window>();
        foreach (var r in recordings)
        {
            for (int start = 0; start + window <= r.Length; start += hop)
            {
                int label = LabelOf(r.Labels.AsSpan(start, window), rule);
                if (label != Recording.Unlabelled) windows.Add(new Window(r, start, window, label));
            }
        }
        return windows;
    }

    /// <summary>
    /// Windows inside single labelled segments (maximal runs of one class), aligned to each
    /// segment's start; segments shorter than a window give none. Unlabelled samples (HAPT's
    /// transitions in its six-activity view) are never inside a window.
    /// </summary>
    public static List<Window> WithinSegments(IEnumerable<Recording> recordings, int window = UciHarWindow, int hop = UciHarHop)
    {
        Check(window, hop);
        var windows = new List<Window>();
        foreach (var r in recordings)
        {
            foreach (var (segmentStart, length, label) in LabelRuns.Of(r.Labels))
                for (int start = segmentStart; start + window <= segmentStart + length; start += hop)
                    windows.Add(new Window(r, start, window, label));
        }
        return windows;
    }

    /// <summary>The window's label under a rule, or <see cref="Recording.Unlabelled"/> when it has none.</summary>
    public static int LabelOf(ReadOnlySpan<int> labels, WindowLabelRule rule)
    {
        switch (rule)
        {
            case WindowLabelRule.Uniform:
                int first = labels[0];
                foreach (int l in labels) if (l != first) return Recording.Unlabelled;
                return first;
            case WindowLabelRule.Last:
                return labels[^1];
            default:
                var counts = new Dictionary<int, int>();
                foreach (int l in labels) counts[l] = counts.GetValueOrDefault(l) + 1;
                if (2 * counts.GetValueOrDefault(Recording.Unlabelled) >= labels.Length) return Recording.Unlabelled;
                int best = Recording.Unlabelled, bestCount = 0;
                foreach (var (label, count) in counts.OrderBy(p => p.Key))
                    if (label != Recording.Unlabelled && count > bestCount) (best, bestCount) = (label, count);
                return best;
        }
    }

    /// <summary>Windows per class (index = class), for reports and class weighting.</summary>
    public static int[] CountPerClass(IEnumerable<Window> windows, int classCount)
    {
        var counts = new int[classCount];
        foreach (var w in windows) counts[w.Label]++;
        return counts;
    }

    private static void Check(int window, int hop)
    {
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), window, "window must be at least one sample");
        if (hop < 1) throw new ArgumentOutOfRangeException(nameof(hop), hop, "hop must be at least one sample");
    }
}
