namespace EdgeLstm.Core.Quantization;

/// <summary>One call from a float model and calibration sequences to a model holding both forms.</summary>
public static class QuantizeModel
{
    public static EdgeModel WithIntegerForm(EdgeModel model, IEnumerable<float[][]> calibration, Quantizer.Options? options = null)
    {
        var stats = CalibrationStatistics.Collect(model, calibration);
        if (stats.Steps == 0) throw new ModelException("calibration data is empty");
        return new EdgeModel(model.Metadata, model.Float, Quantizer.Quantize(model, stats, options));
    }
}
