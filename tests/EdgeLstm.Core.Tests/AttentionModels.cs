using EdgeLstm.Core.Model;
using EdgeLstm.Core.Quantization;

namespace EdgeLstm.Core.Tests;

/// <summary>Random windowed models with an attention head: odd and even sizes, stacks, every recurrent family.</summary>
internal static class AttentionModels
{
    public static EdgeModel Quantized(string variant = "lstm", int hidden = 32, int layers = 1, int steps = 40, int inputs = 9, int classes = 6, int seed = 3)
    {
        var specs = Enumerable.Range(0, layers).Select(_ => (variant, hidden)).ToList();
        var model = RandomModels.Create(new NetworkShape("attention-test", inputs, specs, classes, AttentionSteps: steps), seed);
        return QuantizeModel.WithIntegerForm(model, RandomModels.RandomSequences(inputs, 4, steps, seed + 1));
    }

    /// <summary>Windows of Gaussian samples, the models' normalized input distribution.</summary>
    public static List<float[][]> Windows(int inputs, int steps, int count, int seed) => RandomModels.RandomSequences(inputs, count, steps, seed);
}
