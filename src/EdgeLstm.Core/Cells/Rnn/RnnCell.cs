namespace EdgeLstm.Core.Cells.Rnn;

/// <summary>
/// The Elman RNN (ONNX RNN with tanh): h = tanh(W x + R h + Wb + Rb), one gate row block, no
/// options beyond the shared clip.
/// </summary>
public sealed class RnnCell() : CellDefinition(CellKind.Rnn, gateCount: 1, variants: ["rnn"],
    onnx: new OnnxSchema("RNN", DefaultActivations: ["Tanh"], HasCellState: false, HasPeepholes: false, Flags: []))
{
    internal override FloatCellStep CreateFloatStep(RecurrentLayer layer, FloatCellStep? lower) => new RnnFloatStep(layer);

    internal override unsafe IntegerCellStep CreateIntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena,
        int* sigmoid, int* tanh, IntegerCellStep? lower) => new RnnIntegerStep(layer, kernels, arena, sigmoid, tanh);
}
