using EdgeLstm.Core.Model;
using EdgeLstm.Training.Data;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// Accuracy of one engine of a model the way the model file says to run it: windowed, reset and
/// run each window of samples inside one labelled segment and classify at its end; streaming,
/// run each recording from start to end and score every labelled step.
/// </summary>
// lead: replace with Evaluation/ when merged
internal static class EngineAccuracy
{
    public static double Measure(EdgeModel model, EngineKind engine, Dataset data, int hop = 0)
    {
        var session = model.CreateSession(engine);
        var m = model.Metadata;
        long correct = 0, total = 0;
        foreach (var r in data.Recordings)
        {
            if (m.Mode == ClassificationMode.Streaming)
            {
                session.Reset();
                for (int t = 0; t < r.Length; t++)
                {
                    session.Step(r.Row(t));
                    if (r.Labels[t] < 0) continue;
                    total++;
                    if (session.Predicted == r.Labels[t]) correct++;
                }
                continue;
            }
            for (int start = 0; start + m.Window <= r.Length; start += hop > 0 ? hop : m.Hop)
            {
                int label = r.Labels[start];
                if (label < 0 || r.Labels.AsSpan(start, m.Window).ContainsAnyExcept(label)) continue;
                session.Reset();
                for (int t = start; t < start + m.Window; t++) session.Step(r.Row(t));
                total++;
                if (session.Predicted == label) correct++;
            }
        }
        return total == 0 ? double.NaN : (double)correct / total;
    }
}
