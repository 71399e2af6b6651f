namespace EdgeLstm.Core.Quantization;

/// <summary>How the int16 input range and the cell-state ranges are chosen from calibration data.</summary>
public enum RangeStrategy
{
    /// <summary>Largest magnitude seen, times the headrooms of <see cref="Quantizer.Options"/> (the default quantizer).</summary>
    MinMax,

    /// <summary>The 99.99th percentile of magnitudes, no headroom: rare outliers saturate instead of widening the grid.</summary>
    Percentile,

    /// <summary>The range of least mean squared error (rounding inside, clipping beyond), per tensor.</summary>
    Mse,
}

/// <summary>
/// Calibration beyond min/max: a first pass of the float reference finds the largest magnitudes
/// (<see cref="CalibrationStatistics"/>), a second fills histograms of |normalized input| and
/// |cell state| per layer up to them, and a strategy picks each range from its histogram. The
/// result is expressed as <see cref="CalibrationStatistics"/> plus options, so
/// <see cref="Quantizer"/> stays the one place that builds integer networks.
/// </summary>
public sealed class CalibrationRanges
{
    public const double PercentileFraction = 0.9999;

    private CalibrationRanges(CalibrationStatistics maxima, AbsHistogram input, AbsHistogram[] cells)
    {
        Maxima = maxima;
        Input = input;
        Cells = cells;
    }

    public CalibrationStatistics Maxima { get; }
    public AbsHistogram Input { get; }
    public AbsHistogram[] Cells { get; }

    public static CalibrationRanges Collect(EdgeModel model, IReadOnlyList<float[][]> sequences)
    {
        var maxima = CalibrationStatistics.Collect(model, sequences);
        if (maxima.Steps == 0) throw new ModelException("calibration data is empty");
        var session = model.CreateFloatSession();
        var input = new AbsHistogram(maxima.MaxAbsInput);
        var cells = maxima.MaxAbsCell.Select(m => new AbsHistogram(m)).ToArray();
        foreach (var sequence in sequences)
        {
            session.Reset();
            foreach (var sample in sequence)
            {
                session.Step(sample);
                foreach (float v in session.NormalizedInput) input.Add(v);
                for (int l = 0; l < cells.Length; l++)
                    foreach (float c in session.Cell(l)) cells[l].Add(c);
            }
        }
        return new CalibrationRanges(maxima, input, cells);
    }

    /// <summary>The statistics and options that make <see cref="Quantizer"/> use the strategy's ranges.</summary>
    public (CalibrationStatistics Statistics, Quantizer.Options Options) For(RangeStrategy strategy)
    {
        if (strategy == RangeStrategy.MinMax) return (Maxima, new Quantizer.Options());
        var stats = new CalibrationStatistics(Cells.Length) { Steps = Maxima.Steps };
        if (strategy == RangeStrategy.Percentile)
        {
            stats.MaxAbsInput = Input.Percentile(PercentileFraction);
            for (int l = 0; l < Cells.Length; l++) stats.MaxAbsCell[l] = Cells[l].Percentile(PercentileFraction);
        }
        else
        {
            stats.MaxAbsInput = MseInputRange(Input);
            for (int l = 0; l < Cells.Length; l++) stats.MaxAbsCell[l] = MseCellRange(Cells[l]);
        }
        return (stats, new Quantizer.Options(InputHeadroom: 1f, CellHeadroom: 1f));
    }

    public EdgeModel Quantize(EdgeModel model, RangeStrategy strategy)
    {
        var (stats, options) = For(strategy);
        return new EdgeModel(model.Metadata, model.Float, Quantizer.Quantize(model, stats, options));
    }

    /// <summary>Input: any range on the histogram's bin edges; the int16 grid step is range / 32767.</summary>
    private static float MseInputRange(AbsHistogram h)
    {
        double best = double.MaxValue;
        float bestRange = h.Max;
        for (int b = 1; b <= h.Counts.Length; b++)
        {
            double range = b * (double)h.BinWidth;
            double mse = h.MeanSquaredError(range, range / 32767);
            if (mse < best) (best, bestRange) = (mse, (float)range);
        }
        return bestRange;
    }

    /// <summary>Cell state: only power-of-two ranges exist (int16 with a power-of-two scale), so compare those.</summary>
    private static float MseCellRange(AbsHistogram h)
    {
        double best = double.MaxValue;
        float bestRange = h.Max;
        for (int frac = QFormats.MinCellFracBits; frac <= QFormats.MaxCellFracBits; frac++)
        {
            double step = Math.Pow(2, -frac);
            double range = 32767 * step;
            double mse = h.MeanSquaredError(range, step);
            if (mse < best) (best, bestRange) = (mse, (float)Math.Pow(2, 15 - frac));
        }
        return bestRange;
    }
}
