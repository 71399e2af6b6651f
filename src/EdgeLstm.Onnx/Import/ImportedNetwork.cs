using EdgeLstm.Core.Model;

namespace EdgeLstm.Onnx.Import;

/// <summary>What a whole exported model imports to: the float network and what the graph says about running it.</summary>
public sealed class ImportedNetwork
{
    public required FloatNetwork Network { get; init; }

    /// <summary>Per-channel normalization the graph applies before the first layer (Sub/Add/Mul/Div by constants); 0 and 1 otherwise.</summary>
    public required float[] Mean { get; init; }
    public required float[] Std { get; init; }

    /// <summary>The head reads the last time step only (classify at the end of a sequence): the model was made for windows.</summary>
    public required bool HeadOnLastStep { get; init; }

    /// <summary>The graph output is softmax probabilities rather than logits (the class decisions are the same).</summary>
    public required bool EndsInSoftmax { get; init; }

    /// <summary>The sequence length fixed in the graph input's shape, 0 where it is dynamic.</summary>
    public required int StaticSequenceLength { get; init; }

    public required string InputName { get; init; }
    public required string OutputName { get; init; }

    /// <summary>One line per recognized node, in graph order (for the import report).</summary>
    public required IReadOnlyList<string> Steps { get; init; }
}
