using EdgeLstm.Core.Model;

namespace EdgeLstm.Training.Tests.Training;

/// <summary>Tiny seeded networks of every cell variant the trainer supports, for gradient and engine checks.</summary>
internal static class TrainingFixtures
{
    /// <summary>Every variant, plus the peephole CIFG and clipped forms Core can also hold.</summary>
    public static readonly string[] Variants = ["rnn", "lstm", "peephole", "cifg", "cifg-peephole", "gru", "gru-lbr0"];

    public static TheoryData<string> VariantData()
    {
        var data = new TheoryData<string>();
        foreach (var v in Variants) data.Add(v);
        return data;
    }

    public static RecurrentLayer Layer(string variant, int inputs, int hidden)
    {
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
