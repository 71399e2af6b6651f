using EdgeLstm.Training.Data;

namespace EdgeLstm.Training.Optimization;

/// <summary>One training window: recording, first step, class.</summary>
internal readonly record struct WindowRef(int Recording, int Start, int Label);

/// <summary>
/// Windows of W samples every H samples, kept only where every sample carries the same class
/// (cut inside single labelled segments, as UCI HAR was cut).
/// </summary>
// lead: replace with Data/ windowing when merged
internal static class WindowIndex
{
    public static List<WindowRef> Build(IReadOnlyList<Recording> recordings, int window, int hop, bool byLastSample = false)
    {
        if (byLastSample) return ByLastSample(recordings, window, hop);
        var result = new List<WindowRef>();
        for (int r = 0; r < recordings.Count; r++)
        {
            var labels = recordings[r].Labels;
            for (int start = 0; start + window <= labels.Length; start += hop)
            {
                int label = labels[start];
                if (label < 0) continue;
                bool single = true;
                for (int t = start + 1; t < start + window && single; t++) single = labels[t] == label;
                if (single) result.Add(new WindowRef(r, start, label));
            }
        }
        return result;
    }

    /// <summary>Windows every H samples whose last sample is labelled, labelled by it (what a stream's latest window should say).</summary>
    private static List<WindowRef> ByLastSample(IReadOnlyList<Recording> recordings, int window, int hop)
    {
        var result = new List<WindowRef>();
        for (int r = 0; r < recordings.Count; r++)
        {
            var labels = recordings[r].Labels;
            for (int start = 0; start + window <= labels.Length; start += hop)
                if (labels[start + window - 1] >= 0) result.Add(new WindowRef(r, start, labels[start + window - 1]));
        }
        return result;
    }
}
