using EdgeLstm.Core;
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
        var schedule = WindowSchedule.Of(model.Metadata);
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
                    int emitted = schedule is { } w ? WindowedStep(sessions[e], r, t, w, binding, input) : StreamingStep(sessions[e], r, t, binding, input);
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

    /// <summary>Emits at sample t when it closes a window (the recording's start is the reset).</summary>
    private static int WindowedStep(IClassifierSession session, Recording r, int t, WindowSchedule schedule, DataBinding binding, float[] input)
    {
        int end = t + 1;
        if (!schedule.ClosesAt(end)) return LatestLabelScore.NoLabel;
        session.Reset();
        for (int k = end - schedule.Window; k < end; k++)
        {
            binding.Gather(r, k, input);
            session.Step(input);
        }
        return session.Predicted;
    }
}
