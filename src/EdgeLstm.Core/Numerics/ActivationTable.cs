namespace EdgeLstm.Core.Numerics;

/// <summary>
/// Sigmoid and tanh of a Q3.12 input (int16 range, [-8, 8)) to a Q0.15 output, by a table of
/// 1025 knots 1/64 apart with linear interpolation between them. Each entry packs the knot value
/// (low 16 bits) and the step to the next knot (high 16 bits) so one load (or one gather lane)
/// fetches both. Evaluation, with u = x + 32768 in [0, 65535]:
///   entry = T[u >> 6]; y = value + ((step * (u &amp; 63) + 32) >> 6)
/// Error against the exact function at the input's real value: at most 2^-12 (tested
/// exhaustively over all 65536 inputs); the interpolation error is below 2.4e-5 and the rest is
/// rounding of knots and result to Q15.
/// </summary>
public sealed class ActivationTable
{
    public const int StepBits = 6;
    public const int Knots = (1 << (16 - StepBits)) + 1;

    private ActivationTable(string name, int[] packed)
    {
        Name = name;
        Packed = packed;
    }

    public string Name { get; }

    /// <summary>Packed entries: (step &lt;&lt; 16) | (value &amp; 0xFFFF); the last entry's step is 0.</summary>
    public int[] Packed { get; }

    public static ActivationTable Sigmoid { get; } = Build("sigmoid", x => 1.0 / (1.0 + Math.Exp(-x)));
    public static ActivationTable Tanh { get; } = Build("tanh", Math.Tanh);

    /// <summary>
    /// exp(x - 8) over x in [-8, 8): the attention softmax's exponential of a max-subtracted Q.12
    /// score d in [-16, 0], looked up at x = d + 8 (docs/attention.md). exp(0) = 1 does not fit Q15,
    /// so the caller looks up d - 2^-12 throughout: a common factor the normalization cancels.
    /// </summary>
    public static ActivationTable ShiftedExp { get; } = Build("exp", x => Math.Exp(x - 8));

    private static ActivationTable Build(string name, Func<double, double> f)
    {
        // Knot k sits at x = -8 + k/64. Values are Q15, clamped to the int16 range.
        var values = new int[Knots];
        for (int k = 0; k < Knots; k++)
        {
            double x = -8.0 + k / 64.0;
            values[k] = QFormats.SaturateInt16((int)Math.Round(f(x) * 32768.0, MidpointRounding.AwayFromZero));
        }
        var packed = new int[Knots];
        for (int k = 0; k < Knots; k++)
        {
            int step = k + 1 < Knots ? values[k + 1] - values[k] : 0;
            packed[k] = (step << 16) | (values[k] & 0xFFFF);
        }
        return new ActivationTable(name, packed);
    }

    /// <summary>
    /// Reference evaluation for an int16-range Q3.12 input (the caller saturates; the input indexes the
    /// table). The interpolation is rounded half toward +infinity; the result lies between two adjacent
    /// knots (int16 values: knots are rounded half away from zero from the exact function and saturated
    /// to int16 when the table is built), so it needs no saturation.
    /// </summary>
    public int Evaluate(int x)
    {
        int u = x + 32768;
        int entry = Packed[u >> StepBits];
        int value = (short)entry;
        int step = entry >> 16;
        return value + ((step * (u & ((1 << StepBits) - 1)) + (1 << (StepBits - 1))) >> StepBits);
    }
}
