namespace EdgeLstm.Core.Quantization;

/// <summary>
/// Ranges observed while running the float reference over calibration sequences: the largest
/// normalized input magnitude and, per layer, the largest cell-state magnitude.
/// </summary>
public sealed class CalibrationStatistics
{
    public CalibrationStatistics(int layers) => MaxAbsCell = new float[layers];

    public float MaxAbsInput { get; set; }
    public float[] MaxAbsCell { get; }
    public long Steps { get; set; }

    /// <summary>Runs the float session over each sequence (state reset between sequences).</summary>
    public static CalibrationStatistics Collect(EdgeModel model, IEnumerable<float[][]> sequences)
    {
        var session = model.CreateFloatSession();
        var stats = new CalibrationStatistics(session.LayerCount);
        foreach (var sequence in sequences)
        {
            session.Reset();
            foreach (var sample in sequence)
            {
                session.Step(sample);
                stats.Observe(session);
            }
        }
        return stats;
    }

    private void Observe(FloatSession session)
    {
        Steps++;
        foreach (float v in session.NormalizedInput) MaxAbsInput = MathF.Max(MaxAbsInput, MathF.Abs(v));
        for (int l = 0; l < session.LayerCount; l++)
            foreach (float c in session.Cell(l)) MaxAbsCell[l] = MathF.Max(MaxAbsCell[l], MathF.Abs(c));
    }
}
