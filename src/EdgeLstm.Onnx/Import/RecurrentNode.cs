using EdgeLstm.Core.Model;

namespace EdgeLstm.Onnx.Import;

/// <summary>
/// One ONNX LSTM, GRU or RNN node read into Core's model description: the layer (weights in
/// ONNX layout, which is Core's), the node's layout attribute, and the names of its per-run
/// inputs and its outputs (empty where the node omits them).
/// </summary>
public sealed class RecurrentNode
{
    public required string Name { get; init; }
    public required string OpType { get; init; }
    public required RecurrentLayer Layer { get; init; }

    /// <summary>0: X is [seq, batch, input]; 1: X is [batch, seq, input] (and the states and outputs batch-major too).</summary>
    public required int Layout { get; init; }

    public required string X { get; init; }
    public required string SequenceLens { get; init; }
    public required string InitialH { get; init; }
    public required string InitialC { get; init; }
    public required string Y { get; init; }
    public required string YH { get; init; }
    public required string YC { get; init; }

    /// <summary>How error messages name the node: its name (or first output) and operator.</summary>
    public string Describe => RecurrentNodeReader.Describe(Name, Y.Length > 0 ? Y : YH, OpType);
}
