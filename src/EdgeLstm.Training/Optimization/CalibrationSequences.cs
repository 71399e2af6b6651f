using EdgeLstm.Training.Data;

namespace EdgeLstm.Training.Optimization;

/// <summary>
/// Raw (unnormalized: the engines normalize) training sequences for post-training quantization,
/// shaped the way the model will run: windows for a windowed model, long stretches of whole
/// recordings for a streaming model (its cell state can grow beyond what one window shows).
/// Evenly spread over the data and deterministic.
/// </summary>
public static class CalibrationSequences
{
    public static List<float[][]> From(Dataset data, ClassificationMode mode, int window, int hop, int maxSequences = 256, int maxStreamSteps = 4096)
    {
        var result = new List<float[][]>();
        if (mode == ClassificationMode.Streaming)
        {
            int step = Math.Max(1, data.Recordings.Count / Math.Max(1, maxSequences / 8));
            for (int r = 0; r < data.Recordings.Count; r += step)
                result.Add(Rows(data.Recordings[r], 0, Math.Min(data.Recordings[r].Length, maxStreamSteps)));
            return result;
        }
        var windows = WindowIndex.Build(data.Recordings, window, hop);
        if (windows.Count == 0) windows = [.. Enumerable.Range(0, data.Recordings.Count).Where(r => data.Recordings[r].Length >= window).Select(r => new WindowRef(r, 0, 0))];
        int stride = Math.Max(1, windows.Count / maxSequences);
        for (int i = 0; i < windows.Count && result.Count < maxSequences; i += stride)
            result.Add(Rows(data.Recordings[windows[i].Recording], windows[i].Start, window));
        return result;
    }

    private static float[][] Rows(Recording r, int start, int length)
    {
        var rows = new float[length][];
        for (int t = 0; t < length; t++) rows[t] = r.Row(start + t).ToArray();
        return rows;
    }
}
