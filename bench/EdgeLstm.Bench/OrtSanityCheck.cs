using EdgeLstm.Core.Model;

namespace EdgeLstm.Bench;

/// <summary>
/// Before benchmarking, proves the ONNX graph computes what our float reference computes: the
/// same steps through ONNX Runtime and <see cref="Core.Float.FloatSession"/>, largest absolute
/// difference of the logits and of the final state. The random models normalize with mean 0 and
/// std 1, so both see the same input.
/// </summary>
public static class OrtSanityCheck
{
    public const int Steps = 50;

    /// <summary>Differences above this mean the ONNX graph is wrong, not float rounding.</summary>
    public const float Tolerance = 1e-4f;

    public sealed record Result(string Name, float MaxLogitDiff, float MaxStateDiff)
    {
        public bool Passed => MaxLogitDiff <= Tolerance && MaxStateDiff <= Tolerance;
    }

    /// <summary>The benchmark shapes, plus every cell variant and clip so the builder's options are covered too.</summary>
    public static IEnumerable<(string Name, EdgeModel Model)> Cases()
    {
        foreach (string name in BenchModels.OnnxShapes)
            yield return (name, BenchModels.Create(name));
        foreach (string variant in CellVariant.OnnxNames)
        {
            var shape = new NetworkShape(variant, 5, [(variant, 12), (variant, 7)], 4);
            yield return ($"{variant} 12+7", RandomModels.Create(shape, 11));
        }
        foreach (string variant in new[] { "lstm", "gru", "rnn" })
        {
            var model = RandomModels.Create(new NetworkShape(variant, 5, [(variant, 10)], 3), 12);
            model.Float!.Layers[0].Clip = 0.5f;
            yield return ($"{variant} clip 0.5", model);
        }
    }

    public static Result Run(string name, EdgeModel model)
    {
        var reference = model.CreateFloatSession();
        using var ort = new OrtStreamingSession(model.Float!);
        var inputs = RandomModels.RandomSequences(model.InputSize, 1, Steps, 5, amplitude: 2f)[0];
        float logitDiff = 0, stateDiff = 0;
        foreach (var x in inputs)
        {
            reference.Step(x);
            ort.Step(reference.NormalizedInput);
            logitDiff = MathF.Max(logitDiff, MaxAbsDiff(reference.Logits, ort.Logits));
        }
        var net = model.Float!;
        for (int k = 0; k < net.Layers.Count; k++)
        {
            stateDiff = MathF.Max(stateDiff, MaxAbsDiff(reference.Hidden(k), ort.Hidden(k)));
            if (net.Layers[k].Kind == CellKind.Lstm) stateDiff = MathF.Max(stateDiff, MaxAbsDiff(reference.Cell(k), ort.Cell(k)));
        }
        return new Result(name, logitDiff, stateDiff);
    }

    private static float MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) return float.PositiveInfinity;
        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            float d = MathF.Abs(a[i] - b[i]);
            max = float.IsNaN(d) ? float.PositiveInfinity : MathF.Max(max, d);
        }
        return max;
    }
}
