namespace EdgeLstm.Core.Model;

/// <summary>
/// A network shape: input channels, recurrent layers (variant, hidden size), classes, and
/// optionally an attention head pooling over a window of AttentionSteps (a windowed model).
/// </summary>
public sealed record NetworkShape(string Name, int Inputs, IReadOnlyList<(string Variant, int Hidden)> Layers, int Classes, int AttentionSteps = 0)
{
    public override string ToString() =>
        $"{Name}: {string.Join(" + ", Layers.Select(l => $"{l.Variant.ToUpperInvariant()} {l.Hidden}"))}" +
        (AttentionSteps > 0 ? $" + attention over {AttentionSteps} steps" : "") + $", {Inputs} in, {Classes} out";
}

/// <summary>
/// Seeded random-weight models: the benchmark shapes and the test fixtures. Weights are uniform in
/// ±1/sqrt(H) (PyTorch's default initialization of recurrent layers), so activations sit in
/// realistic ranges.
/// </summary>
public static class RandomModels
{
    /// <summary>The benchmark shapes of `edgelstm bench --shape`: 9 inputs, 6 classes.</summary>
    public static readonly IReadOnlyDictionary<string, NetworkShape> Shapes = new Dictionary<string, NetworkShape>
    {
        ["S"] = new("S", 9, [("lstm", 32)], 6),
        ["M"] = new("M", 9, [("lstm", 64), ("lstm", 64)], 6),
        ["L"] = new("L", 9, [("lstm", 128)], 6),
        ["G"] = new("G", 9, [("gru", 64)], 6),
        ["C"] = new("C", 9, [("clockwork", 64)], 6),
        ["D"] = new("D", 9, [("lstm", 64), ("depth-gated", 64)], 6),
        ["A"] = new("A", 9, [("lstm", 32)], 6, AttentionSteps: 128),
    };

    public static EdgeModel Create(NetworkShape shape, int seed, int[]? clockworkPeriods = null)
    {
        var random = new Random(seed);
        var layers = new List<RecurrentLayer>();
        int input = shape.Inputs;
        foreach (var (variant, hidden) in shape.Layers)
        {
            var l = CellVariant.CreateLayer(variant, input, hidden);
            if (l.Periods is not null && clockworkPeriods is not null) l.Periods = clockworkPeriods;
            float k = 1f / MathF.Sqrt(hidden);
            Fill(random, l.W, k); Fill(random, l.R, k);
            Fill(random, l.Wb, k); Fill(random, l.Rb, k);
            if (l.Peepholes is not null) Fill(random, l.Peepholes, k);
            if (l.Periods is not null) ClearSlowFromFast(l); // Clockwork
            l.Definition.ApplyFixedWeights(l); // MUT: the cyclic input map, the empty R blocks
            if (l.Depth is { } d)
            {
                Fill(random, d.W, k); Fill(random, d.Bias, k);
                Fill(random, d.CellWeights, k); Fill(random, d.LowerCellWeights, k);
            }
            layers.Add(l);
            input = hidden;
        }
        var head = new DenseLayer(input, shape.Classes);
        float kh = 1f / MathF.Sqrt(input);
        Fill(random, head.W, kh);
        Fill(random, head.B, kh);
        var metadata = ModelMetadata.Default(shape.Inputs, shape.Classes);
        metadata.Name = shape.Name;
        metadata.SampleRateHz = 50;
        metadata.Properties.Add(new("provenance", $"random weights, seed {seed}, shape {shape}"));
        AttentionPooling? attention = null;
        if (shape.AttentionSteps > 0)
        {
            // v is drawn four times wider than the rest so scores spread over a few units and the
            // weights are far from uniform, as in trained models (the softmax then matters).
            attention = new AttentionPooling(input, input, shape.AttentionSteps);
            Fill(random, attention.W, kh);
            Fill(random, attention.B, kh);
            Fill(random, attention.V, 4f / MathF.Sqrt(attention.Size));
            metadata.Mode = ClassificationMode.Windowed;
            metadata.Window = shape.AttentionSteps;
            metadata.Hop = Math.Max(1, shape.AttentionSteps / 2);
        }
        return new EdgeModel(metadata, new FloatNetwork(layers, head, attention), null);
    }

    /// <summary>
    /// A random model with its integer form, calibrated on random input: the one recipe behind
    /// `edgelstm bench --shape` and the BenchmarkDotNet harness, so both time the same model.
    /// </summary>
    public static EdgeModel CreateQuantized(NetworkShape shape, int seed, int[]? clockworkPeriods = null) =>
        Quantization.QuantizeModel.WithIntegerForm(Create(shape, seed, clockworkPeriods), RandomSequences(shape.Inputs, 4, 250, seed + 1));

    /// <summary>Sequences of standard-normal samples (the models' normalized input distribution).</summary>
    public static List<float[][]> RandomSequences(int inputs, int sequences, int length, int seed, float amplitude = 1f)
    {
        var random = new Random(seed);
        var result = new List<float[][]>(sequences);
        for (int s = 0; s < sequences; s++)
        {
            var seq = new float[length][];
            for (int t = 0; t < length; t++)
            {
                seq[t] = new float[inputs];
                for (int j = 0; j < inputs; j++) seq[t][j] = amplitude * Gaussian(random);
            }
            result.Add(seq);
        }
        return result;
    }

    /// <summary>Clockwork RNN: a module reads only modules at least as slow; the other weights are zero.</summary>
    private static void ClearSlowFromFast(RecurrentLayer l)
    {
        int k = l.ModuleSize, hs = l.HiddenSize;
        for (int r = 0; r < hs; r++) Array.Clear(l.R, r * hs, r / k * k);
    }

    private static void Fill(Random random, float[] values, float k)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * k;
    }

    private static float Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
