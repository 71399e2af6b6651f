using EdgeLstm.Core.Float;
using EdgeLstm.Core.Integer;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Core.Cells.Rnn;

/// <summary>
/// The Elman RNN (ONNX RNN with tanh): h = tanh(W x + R h + Wb + Rb), one gate row block, no
/// options beyond the shared clip.
/// </summary>
public sealed class RnnCell : CellDefinition
{
    public override CellKind Kind => CellKind.Rnn;
    public override int GateCount => 1;
    public override string OnnxOperator => "RNN";
    public override IReadOnlyList<string> Variants { get; } = ["rnn"];

    public override RecurrentLayer CreateLayer(string variant, int inputSize, int hiddenSize) => new(CellKind.Rnn, inputSize, hiddenSize);

    internal override FloatCellStep CreateFloatStep(RecurrentLayer layer, FloatCellStep? lower) => new RnnFloatStep(layer);

    internal override unsafe IntegerCellStep CreateIntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena,
        int* sigmoid, int* tanh, IntegerCellStep? lower) => new RnnIntegerStep(layer, kernels, arena, sigmoid, tanh);
}
