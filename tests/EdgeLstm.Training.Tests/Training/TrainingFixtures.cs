using EdgeLstm.Core.Model;

namespace EdgeLstm.Training.Tests.Training;

/// <summary>Tiny seeded networks of every cell variant the trainer supports, for gradient and engine checks.</summary>
internal static class TrainingFixtures
{
    /// <summary>Every variant, plus the peephole CIFG and clipped forms Core can also hold.</summary>
    public static readonly string[] Variants = ["rnn", "lstm", "peephole", "cifg", "cifg-peephole", "gru", "gru-lbr0", "mut1", "mut2", "mut3"];

    public static TheoryData<string> VariantData()
    {
        var data = new TheoryData<string>();
        foreach (var v in Variants) data.Add(v);
        return data;
    }

    /// <summary>
    /// The lineage cells as stacks the trainer takes: Clockwork RNN with explicit periods
    /// ("clockwork:1,2" is periods 1 and 2), powers of two and not; depth-gated LSTM over the
    /// LSTM variants it can sit on.
    /// </summary>
    public static TheoryData<string> LineageData()
    {
        var data = new TheoryData<string>();
        foreach (var v in new[] { "clockwork:1,2", "clockwork:1,2,3,5", "lstm+depth-gated", "peephole+depth-gated+depth-gated", "cifg+depth-gated" })
            data.Add(v);
        return data;
    }

    /// <summary>A stack written as "a+b+c" (one layer each).</summary>
    public static string[] Stack(string spec) => spec.Split('+');

    public static RecurrentLayer Layer(string variant, int inputs, int hidden)
    {
        if (variant.StartsWith("clockwork:", StringComparison.Ordinal))
            return new RecurrentLayer(CellKind.Clockwork, inputs, hidden) { Periods = variant["clockwork:".Length..].Split(',').Select(int.Parse).ToArray() };
        if (variant == "cifg-peephole")
            return new RecurrentLayer(CellKind.Lstm, inputs, hidden) { InputForget = true, Peepholes = new float[3 * hidden] };
        return CellVariant.CreateLayer(variant, inputs, hidden);
    }

    /// <summary>A random network; scale above 1 drives pre-activations into saturation and (with clip) into clipping.</summary>
    public static FloatNetwork Network(string[] variants, int inputs, int hidden, int classes, int seed, float scale = 1f, float clip = 0f)
    {
        var random = new Random(seed);
        var layers = new List<RecurrentLayer>();
        int input = inputs;
        foreach (var v in variants)
        {
            var l = Layer(v, input, hidden);
            l.Clip = clip;
            float k = scale / MathF.Sqrt(hidden);
            Fill(random, l.W, k); Fill(random, l.R, k); Fill(random, l.Wb, k); Fill(random, l.Rb, k);
            if (l.Peepholes is not null) Fill(random, l.Peepholes, k);
            if (l.Depth is { } d)
            {
                Fill(random, d.W, k); Fill(random, d.Bias, k); Fill(random, d.CellWeights, k); Fill(random, d.LowerCellWeights, k);
            }
            if (l.Kind == CellKind.Clockwork)
                for (int r = 0; r < hidden; r++) Array.Clear(l.R, r * hidden, r / l.ModuleSize * l.ModuleSize); // no fast-into-slow weights
            l.Definition.ApplyFixedWeights(l); // MUT: the cyclic input map, the empty R blocks
            layers.Add(l);
            input = hidden;
        }
        var head = new DenseLayer(input, classes);
        Fill(random, head.W, 1f);
        Fill(random, head.B, 0.5f);
        return new FloatNetwork(layers, head);
    }

    public static void Fill(Random random, Span<float> values, float k)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * k;
    }
}
