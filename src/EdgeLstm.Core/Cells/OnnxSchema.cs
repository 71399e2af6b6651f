namespace EdgeLstm.Core.Cells;

/// <summary>
/// How one of ONNX's recurrent operators (RNN, LSTM, GRU; ONNX operator specification, opsets 7 to
/// 22) expresses a cell: the facts the importer, the exporter and the conformance runner need
/// beyond what every one of the three has in common (X, W, R, B, sequence_lens, initial_h; Y, Y_h;
/// hidden_size, clip, direction, layout, activations). Held by the definition of a cell ONNX
/// expresses (<see cref="CellDefinition.Onnx"/>), so the ONNX code holds no fact of one kind.
/// </summary>
/// <param name="Operator">The operator type, e.g. "LSTM".</param>
/// <param name="DefaultActivations">The operator's activation list when the node gives none, the only one the engines run (matched case-insensitively, repeated per direction).</param>
/// <param name="HasCellState">Input 6 initial_c and output 2 Y_c (LSTM).</param>
/// <param name="HasPeepholes">Input 7 P, the peepholes [3H] in the order i, o, f (LSTM), Core's <see cref="RecurrentLayer.Peepholes"/>.</param>
/// <param name="Flags">The operator's own 0/1 attributes, each a bool field of the layer.</param>
public sealed record OnnxSchema(string Operator, IReadOnlyList<string> DefaultActivations, bool HasCellState, bool HasPeepholes, IReadOnlyList<OnnxFlag> Flags)
{
    /// <summary>Inputs the operator defines: X, W, R, B, sequence_lens, initial_h, then initial_c and P where it has them.</summary>
    public int MaxInputs => HasPeepholes ? 8 : HasCellState ? 7 : 6;

    /// <summary>Outputs the operator defines: Y, Y_h, then Y_c where it has a cell state.</summary>
    public int MaxOutputs => HasCellState ? 3 : 2;

    /// <summary>The flag attribute of that name, or null when the operator has none.</summary>
    public OnnxFlag? Flag(string name) => Flags.FirstOrDefault(f => f.Name == name);
}

/// <summary>
/// A 0/1 attribute of one ONNX recurrent operator (input_forget, linear_before_reset) and the layer
/// field it is: ONNX's default for each is 0, so an absent attribute reads as false.
/// </summary>
public sealed record OnnxFlag(string Name, Func<RecurrentLayer, bool> Get, Action<RecurrentLayer, bool> Set);
