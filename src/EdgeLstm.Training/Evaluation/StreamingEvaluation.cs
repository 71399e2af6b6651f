using EdgeLstm.Core;
using EdgeLstm.Core.Model;
using EdgeLstm.Core.Scoring;
using EdgeLstm.Training.Data;

namespace EdgeLstm.Training.Evaluation;

/// <summary>
/// The streaming protocol: each recording from its first sample to its last, run the way the
/// daemon runs the model in the mode its file declares, scored by <see cref="LatestLabelScore"/>.
/// Streaming models: reset at the recording's start, one step per sample, state carried, a label
/// emitted after every sample. Windowed models: every hop, once `window` samples exist, reset
/// and re-run the last `window` samples and emit the label after the last one.
/// </summary>
public static class StreamingEvaluation
{
    public static EngineComparison Run(EdgeModel model, IEnumerable<Recording> recordings, DataBinding binding)
    {
        var meta = model.Metadata;
        bool windowed = meta.Mode == ClassificationMode.Windowed;
        if (windowed && (meta.Window < 1 || meta.Hop < 1))
            throw new ArgumentException($"the model declares windowed mode but window {meta.Window} / hop {meta.Hop}");
        var sessions = EngineSessions.Of(model);
        var scores = sessions.Select(_ => new LatestLabelScore(binding.Labels.Count)).ToArray();
        var current = new int[sessions.Length];
        var input = new float[binding.Inputs];
        long compared = 0, agreed = 0;
        foreach (var r in recordings)
        {
            foreach (var s in scores) s.StartRecording();
            foreach (var s in sessions) s.Reset();
            Array.Fill(current, LatestLabelScore.NoLabel);
            for (int t = 0; t < r.Length; t++)
            {
                int truth = binding.Truth(r.Labels[t]);
                for (int e = 0; e < sessions.Length; e++)
                {
                    int emitted = windowed ? WindowedStep(sessions[e], r, t, meta.Window, meta.Hop, binding, input) : StreamingStep(sessions[e], r, t, binding, input);
                    if (emitted != LatestLabelScore.NoLabel) current[e] = emitted;
                    scores[e].Sample(truth, emitted);
                }
                if (sessions.Length == 2 && truth >= 0 && current[0] >= 0 && current[1] >= 0)
                {
                    compared++;
                    if (current[0] == current[1]) agreed++;
                }
            }
        }
        var matrices = scores.Select(s => ConfusionMatrix.From(s, binding.Labels)).ToArray();
        return EngineSessions.Compare("streaming", model, matrices, compared, agreed);
    }

    private static int StreamingStep(IClassifierSession session, Recording r, int t, DataBinding binding, float[] input)
    {
        binding.Gather(r, t, input);
        session.Step(input);
        return session.Predicted;
    }

    /// <summary>Emits at sample t when t closes a window: t + 1 >= window and (t + 1 - window) is a multiple of hop.</summary>
    private static int WindowedStep(IClassifierSession session, Recording r, int t, int window, int hop, DataBinding binding, float[] input)
    {
        int end = t + 1;
        if (end < window || (end - window) % hop != 0) return LatestLabelScore.NoLabel;
        session.Reset();
        for (int k = end - window; k < end; k++)
        {
            binding.Gather(r, k, input);
            session.Step(input);
        }
        return session.Predicted;
    }
}
