using EdgeLstm.Core.Float;
using EdgeLstm.Onnx.Import;

namespace EdgeLstm.Onnx.Conformance;

/// <summary>
/// Runs a node-test case through the float reference, the integer engine (calibrated on the case's
/// own inputs) and the float engine on the integer model's dequantized weights, and measures each
/// against the expected outputs.
/// </summary>
public static class ConformanceRunner
{
    public static IReadOnlyList<ConformanceResult> Run(NodeTestCase testCase)
    {
        var node = testCase.Node;
        var model = RecurrentSequenceRunner.SingleLayerModel(node.Layer);
        model = RecurrentSequenceRunner.Quantize(model, node, testCase.DataSets.Select(d => d.Inputs));
        var engines = new ILayerStepper[]
        {
            new FloatLayerStepper(model.CreateFloatSession()),
            new IntegerLayerStepper(model.CreateIntegerSession()),
            new FloatLayerStepper(new FloatSession(model.Integer!.Dequantize(), model.Metadata)),
        };
        var errors = testCase.Outputs.ToDictionary(o => o, _ => new double[engines.Length]);
        foreach (var (inputs, expected) in testCase.DataSets)
        {
            for (int e = 0; e < engines.Length; e++)
            {
                var actual = RecurrentSequenceRunner.Run(node, inputs, engines[e]);
                foreach (var output in testCase.Outputs)
                {
                    var got = output == node.Y ? actual.Y : output == node.YH ? actual.YH : actual.YC!;
                    errors[output][e] = Math.Max(errors[output][e], MaxAbsError(got, expected[output]));
                }
            }
        }
        string? skip = IntegerSkipReason(testCase);
        return testCase.Outputs.Select(o => new ConformanceResult(testCase.Name, o, errors[o][0], errors[o][1], errors[o][2], skip)).ToList();
    }

    /// <summary>
    /// Why the integer engine is not judged on a case, or null: an initial_h value outside [-1, 1]
    /// in any data set. The integer hidden state is Q0.15 (docs/onnx.md, docs/numerics.md), so such a
    /// value is saturated to ±1 on entry and the run starts from another state than the case's; LSTM,
    /// GRU and RNN hidden states never leave [-1, 1] by themselves, so this is the only way in.
    /// </summary>
    public static string? IntegerSkipReason(NodeTestCase testCase)
    {
        for (int s = 0; s < testCase.DataSets.Count; s++)
        {
            var h0 = testCase.DataSets[s].Inputs.InitialH;
            if (h0 is null) continue;
            double max = 0;
            foreach (float v in h0.AsFloats()) max = Math.Max(max, float.IsNaN(v) ? double.PositiveInfinity : Math.Abs(v));
            if (max > 1)
                return $"initial_h outside [-1, 1] in data set {s} (max |h| {max.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)}): " +
                       "the integer engine's Q0.15 hidden state saturates it, outside its contract";
        }
        return null;
    }

    /// <summary>Largest absolute difference; a shape that differs from the expected one, or a NaN anywhere, is an infinite error.</summary>
    public static double MaxAbsError(OnnxTensor actual, OnnxTensor expected)
    {
        if (!actual.Dims.SequenceEqual(expected.Dims)) return double.PositiveInfinity;
        var a = actual.AsFloats();
        var b = expected.AsFloats();
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = Math.Abs((double)a[i] - b[i]);
            max = double.IsNaN(d) ? double.PositiveInfinity : Math.Max(max, d);
        }
        return max;
    }
}
