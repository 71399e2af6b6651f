using EdgeLstm.Core;
using EdgeLstm.Training.Data;

namespace EdgeLstm.Training.Evaluation;

/// <summary>
/// The windowed protocol: for each window, reset the session, run the window's samples, and
/// take the class predicted after its last sample. Both engines see the same windows.
/// </summary>
public static class WindowedEvaluation
{
    public static EngineComparison Run(EdgeModel model, IReadOnlyList<Window> windows, DataBinding binding)
    {
        var sessions = EngineSessions.Of(model);
        var matrices = sessions.Select(_ => new ConfusionMatrix(binding.Labels)).ToArray();
        var predicted = new int[sessions.Length];
        var input = new float[binding.Inputs];
        long compared = 0, agreed = 0;
        foreach (var w in windows)
        {
            int truth = binding.Truth(w.Label);
            if (truth < 0) continue;
            for (int e = 0; e < sessions.Length; e++)
            {
                var s = sessions[e];
                s.Reset();
                for (int t = 0; t < w.Length; t++)
                {
                    binding.Gather(w.Recording, w.Start + t, input);
                    s.Step(input);
                }
                predicted[e] = s.Predicted;
                matrices[e].Add(truth, predicted[e]);
            }
            if (sessions.Length == 2)
            {
                compared++;
                if (predicted[0] == predicted[1]) agreed++;
            }
        }
        return EngineSessions.Compare("windowed", model, matrices, compared, agreed);
    }
}
