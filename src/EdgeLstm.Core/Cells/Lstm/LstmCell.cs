using EdgeLstm.Core.Quantization;

namespace EdgeLstm.Core.Cells.Lstm;

/// <summary>
/// The LSTM with forget gate (ONNX LSTM, gate order i, o, f, c), with its two options: peepholes
/// (ONNX input P, [3H] in the order i, o, f; the output gate sees the new cell) and the coupled
/// input-forget gate f = 1 - i (attribute input_forget, CIFG). Its memory cell can feed a
/// depth-gated layer above.
/// </summary>
public sealed class LstmCell() : CellDefinition(CellKind.Lstm, gateCount: 4, variants: ["lstm", "peephole", "cifg"], hasCell: true,
    onnx: new OnnxSchema("LSTM", DefaultActivations: ["Sigmoid", "Tanh", "Tanh"], HasCellState: true, HasPeepholes: true,
        Flags: [new OnnxFlag("input_forget", l => l.InputForget, (l, on) => l.InputForget = on)]))
{
    public override RecurrentLayer CreateLayer(string variant, int inputSize, int hiddenSize) => variant switch
    {
        "peephole" => new RecurrentLayer(CellKind.Lstm, inputSize, hiddenSize) { Peepholes = new float[3 * hiddenSize] },
        "cifg" => new RecurrentLayer(CellKind.Lstm, inputSize, hiddenSize) { InputForget = true },
        _ => new RecurrentLayer(CellKind.Lstm, inputSize, hiddenSize),
    };

    public override string VariantName(bool peepholes, bool inputForget, bool linearBeforeReset) => inputForget
        ? peepholes ? "cifg-peephole" : "cifg"
        : peepholes ? "peephole" : "lstm";

    /// <summary>Four gates' products, plus one multiply per peephole weight.</summary>
    public override long PeakMacs(int inputs, int hidden, bool peepholes, int[]? periods) =>
        base.PeakMacs(inputs, hidden, peepholes, periods) + (peepholes ? 3L * hidden : 0);

    internal override FloatCellStep CreateFloatStep(RecurrentLayer layer, FloatCellStep? lower) => new LstmFloatStep(layer);

    internal override unsafe IntegerCellStep CreateIntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena,
        int* sigmoid, int* tanh, IntegerCellStep? lower) => new LstmIntegerStep(layer, kernels, arena, sigmoid, tanh);

    /// <summary>The format the calibrated cell range asks for.</summary>
    internal override int QuantizedCellFracBits(int calibratedFracBits, int lowerCellFracBits) => calibratedFracBits;

    /// <summary>Peepholes: int16 with one scale per gate (i, o, f), each with the requantizer of its product with the cell to Q3.12.</summary>
    internal override void Quantize(RecurrentLayer layer, double inputScale, int cellFracBits, int lowerCellFracBits, int[] bias, IntegerLayerFields fields)
    {
        if (layer.Peepholes is null) return;
        int hs = layer.HiddenSize;
        fields.Peepholes = new short[3 * hs];
        fields.PeepholeScales = new float[3];
        fields.PeepholeRequant = new Requantizer[3];
        for (int g = 0; g < 3; g++)
            (fields.PeepholeScales[g], fields.PeepholeRequant[g]) = Quantizer.QuantizeCellWeights(layer.Peepholes.AsSpan(g * hs, hs), fields.Peepholes, g * hs, cellFracBits);
    }

    internal override void Validate(string where, RecurrentLayer layer, RecurrentLayer? lower)
    {
        if (layer.Peepholes is not null) ModelValidation.CheckLength(where, "peepholes", layer.Peepholes.Length, 3 * layer.HiddenSize);
        RejectPeriods(where, layer.Periods);
        RejectDepthGate(where, layer.Depth is not null);
    }

    internal override void Validate(string where, QuantizedRecurrentLayer layer, QuantizedRecurrentLayer? lower)
    {
        if (layer.Peepholes is not null)
        {
            ModelValidation.CheckLength(where, "peepholes", layer.Peepholes.Length, 3 * layer.HiddenSize);
            if (layer.PeepholeScales?.Length != 3 || layer.PeepholeRequant?.Length != 3) throw new ModelException($"{where}: peepholes need three scales and requantizers");
            foreach (var r in layer.PeepholeRequant) ModelValidation.CheckRequant(where, r);
        }
        RejectPeriods(where, layer.Periods);
        RejectDepthGate(where, layer.DepthW is not null);
    }
}
