using EdgeLstm.Core.Model;

namespace EdgeLstm.Bench;

/// <summary>The benchmarked models and inputs: the shapes of `edgelstm bench`, seed 1, quantized as the CLI does.</summary>
public static class BenchModels
{
    /// <summary>Number of pre-generated samples the benchmarks cycle through (a power of two).</summary>
    public const int RingSize = 256;

    /// <summary>
    /// The shapes ONNX Runtime runs beside us (issue 2's S, M, L, G). The lineage shapes (A: attention
    /// head, C: Clockwork RNN, D: depth-gated LSTM) have no ONNX operator.
    /// </summary>
    public static readonly string[] OnnxShapes = ["G", "L", "M", "S"];

    public static EdgeModel Create(string shape) => RandomModels.CreateQuantized(RandomModels.Shapes[shape], 1);

    /// <summary>Standard-normal samples (what the random models expect) to cycle through.</summary>
    public static float[][] InputRing(int inputs) => RandomModels.RandomSequences(inputs, 1, RingSize, 3)[0];
}
