using EdgeLstm.Core.Model;
using EdgeLstm.Core.Quantization;

namespace EdgeLstm.Core.Tests;

/// <summary>Random quantized models covering every variant, odd sizes (vector tails, padding), clip and stacks.</summary>
internal static class TestModels
{
    public static IEnumerable<object[]> Variants() => CellVariant.Names.Append("cifg-peephole").Select(v => new object[] { v });

    public static EdgeModel Quantized(string variant, int inputs = 9, int hidden = 37, int layers = 1, int classes = 6, int seed = 7, float clip = 0)
    {
        // A depth-gated layer reads the cell of an equally wide LSTM below it.
        var layerSpecs = variant == "depth-gated"
            ? Enumerable.Range(0, Math.Max(layers, 2)).Select(i => (i == 0 ? "lstm" : variant, hidden)).ToList()
            : Enumerable.Range(0, layers).Select(i => (variant == "cifg-peephole" ? "peephole" : variant, hidden + i * 11)).ToList();
        var model = RandomModels.Create(new NetworkShape("test", inputs, layerSpecs, classes), seed);
        foreach (var l in model.Float!.Layers)
        {
            if (variant == "cifg-peephole") l.InputForget = true;
            l.Clip = clip;
        }
        return QuantizeModel.WithIntegerForm(model, RandomModels.RandomSequences(inputs, 4, 200, seed + 1));
    }

    public static List<float[][]> Inputs(int inputs, int seed, int sequences = 2, int length = 300) =>
        RandomModels.RandomSequences(inputs, sequences, length, seed);
}
