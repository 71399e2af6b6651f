using EdgeLstm.Core.Format;
using EdgeLstm.Core.Quantization;

namespace EdgeLstm.Core.Cells.DepthGated;

/// <summary>
/// The depth-gated LSTM (Yao et al. 2015, see <see cref="CellKind.DepthGated"/>): LSTM gates
/// i, o, f, c plus a depth gate (<see cref="DepthGate"/>) reading the memory cell of the layer
/// below, which must be an LSTM or depth-gated layer of the same size. Not an ONNX operator.
/// </summary>
public sealed class DepthGatedCell() : CellDefinition(CellKind.DepthGated, gateCount: 4, variants: ["depth-gated"], hasCell: true)
{
    /// <summary>A plain LSTM, whose cell the first depth gate reads.</summary>
    public override string FirstLayerVariant => "lstm";

    public override RecurrentLayer CreateLayer(string variant, int inputSize, int hiddenSize) =>
        new(CellKind.DepthGated, inputSize, hiddenSize) { Depth = new DepthGate(inputSize, hiddenSize) };

    /// <summary>The LSTM's four gates, plus the depth gate's input product and its two cell products (and its bias add, counted as one).</summary>
    public override long PeakMacs(int inputs, int hidden, bool peepholes, int[]? periods) =>
        base.PeakMacs(inputs, hidden, peepholes, periods) + (peepholes ? 3L * hidden : 0) + (long)hidden * (inputs + 3);

    internal override FloatCellStep CreateFloatStep(RecurrentLayer layer, FloatCellStep? lower) => new DepthGatedFloatStep(layer, lower!);

    internal override unsafe IntegerCellStep CreateIntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena,
        int* sigmoid, int* tanh, IntegerCellStep? lower) => new DepthGatedIntegerStep(layer, kernels, arena, sigmoid, tanh, lower!);

    /// <summary>Float record: the depth gate's W [H, I], bias [H], cell weights [H], lower cell weights [H], float32.</summary>
    internal override void WriteFloatFields(BinaryWriter w, RecurrentLayer layer)
    {
        var d = layer.Depth!;
        ModelFileWriter.WriteRaw(w, d.W); ModelFileWriter.WriteRaw(w, d.Bias); ModelFileWriter.WriteRaw(w, d.CellWeights); ModelFileWriter.WriteRaw(w, d.LowerCellWeights);
    }

    internal override void ReadFloatFields(BinaryReader r, RecurrentLayer layer)
    {
        var d = layer.Depth = new DepthGate(layer.InputSize, layer.HiddenSize);
        ModelFileReader.ReadRaw(r, d.W); ModelFileReader.ReadRaw(r, d.Bias); ModelFileReader.ReadRaw(r, d.CellWeights); ModelFileReader.ReadRaw(r, d.LowerCellWeights);
    }

    /// <summary>
    /// Integer record: the lower cell format it was quantized against (int32), the depth gate's W
    /// (int8 matrix with scales and requantizers), bias (int32 Q3.12 [H]), cell weights (int16 [2H]:
    /// own cell, then lower cell), their two scales and two requantizers.
    /// </summary>
    internal override void WriteIntegerFields(BinaryWriter w, QuantizedRecurrentLayer layer)
    {
        w.Write(layer.LowerCellFracBits);
        ModelFileWriter.WriteMatrix(w, layer.DepthW!);
        ModelFileWriter.WriteRaw(w, layer.DepthBias!);
        ModelFileWriter.WriteRaw(w, layer.DepthPeepholes!);
        ModelFileWriter.WriteRaw(w, layer.DepthPeepholeScales!);
        ModelFileWriter.WriteRequant(w, layer.DepthRequant!);
    }

    internal override void ReadIntegerFields(BinaryReader r, int inputs, int hidden, IntegerLayerFields fields)
    {
        fields.LowerCellFracBits = r.ReadInt32();
        fields.DepthW = ModelFileReader.ReadMatrix(r, hidden, inputs);
        fields.DepthBias = ModelFileReader.ReadArray<int>(r, hidden);
        fields.DepthPeepholes = ModelFileReader.ReadArray<short>(r, 2 * hidden);
        fields.DepthPeepholeScales = ModelFileReader.ReadArray<float>(r, 2);
        fields.DepthRequant = ModelFileReader.ReadRequant(r, 2);
    }

    /// <summary>At least as fine as the lower layer's cell, within ±8 (<see cref="Quantizer.DepthGatedCellFracBits"/>).</summary>
    internal override int QuantizedCellFracBits(int calibratedFracBits, int lowerCellFracBits) =>
        Quantizer.DepthGatedCellFracBits(calibratedFracBits, lowerCellFracBits);

    /// <summary>
    /// The depth gate: W per row on the layer's input scale, bias Q3.12, the two cell weight vectors
    /// int16 with one scale each and the requantizers of their products with the own cell and the
    /// lower cell (whose format is lowerCellFracBits) to Q3.12.
    /// </summary>
    internal override void Quantize(RecurrentLayer layer, double inputScale, int cellFracBits, int lowerCellFracBits, int[] bias, IntegerLayerFields fields)
    {
        var depth = layer.Depth!;
        int hs = layer.HiddenSize;
        fields.DepthW = Quantizer.QuantizeMatrix(depth.W, hs, layer.InputSize, inputScale);
        fields.DepthBias = depth.Bias.Select(b => Quantizer.ToQ12(b)).ToArray();
        fields.DepthPeepholes = new short[2 * hs];
        fields.DepthPeepholeScales = new float[2];
        fields.DepthRequant = new Requantizer[2];
        (fields.DepthPeepholeScales[0], fields.DepthRequant[0]) = Quantizer.QuantizeCellWeights(depth.CellWeights, fields.DepthPeepholes, 0, cellFracBits);
        (fields.DepthPeepholeScales[1], fields.DepthRequant[1]) = Quantizer.QuantizeCellWeights(depth.LowerCellWeights, fields.DepthPeepholes, hs, lowerCellFracBits);
        fields.LowerCellFracBits = lowerCellFracBits;
    }

    internal override void Validate(string where, RecurrentLayer layer, RecurrentLayer? lower)
    {
        RejectPeepholes(where, layer.Peepholes is not null);
        RejectInputForget(where, layer.InputForget);
        RejectPeriods(where, layer.Periods);
        CheckLower(where, layer.Depth is not null, lower?.Kind, lower?.HiddenSize ?? 0, layer.HiddenSize);
        var depth = layer.Depth!;
        ModelValidation.CheckLength(where, "depth gate W", depth.W.Length, layer.HiddenSize * layer.InputSize);
        ModelValidation.CheckLength(where, "depth gate bias", depth.Bias.Length, layer.HiddenSize);
        ModelValidation.CheckLength(where, "depth gate cell weights", depth.CellWeights.Length, layer.HiddenSize);
        ModelValidation.CheckLength(where, "depth gate lower cell weights", depth.LowerCellWeights.Length, layer.HiddenSize);
        ModelValidation.CheckFinite(where, "depth gate W", depth.W); ModelValidation.CheckFinite(where, "depth gate bias", depth.Bias);
        ModelValidation.CheckFinite(where, "depth gate cell weights", depth.CellWeights); ModelValidation.CheckFinite(where, "depth gate lower cell weights", depth.LowerCellWeights);
    }

    internal override void Validate(string where, QuantizedRecurrentLayer layer, QuantizedRecurrentLayer? lower)
    {
        RejectPeepholes(where, layer.Peepholes is not null);
        RejectPeriods(where, layer.Periods);
        CheckLower(where, layer.DepthW is not null, lower?.Kind, lower?.HiddenSize ?? 0, layer.HiddenSize);
        ModelValidation.CheckMatrix(where, "depth gate W", layer.DepthW!, layer.HiddenSize, layer.InputSize);
        ModelValidation.CheckLength(where, "depth gate bias", layer.DepthBias?.Length ?? -1, layer.HiddenSize);
        ModelValidation.CheckLength(where, "depth gate cell weights", layer.DepthPeepholes?.Length ?? -1, 2 * layer.HiddenSize);
        if (layer.DepthRequant?.Length != 2) throw new ModelException($"{where}: the depth gate needs two requantizers");
        foreach (var r in layer.DepthRequant) ModelValidation.CheckRequant(where, r);
        if (layer.LowerCellFracBits != lower!.CellFracBits)
            throw new ModelException($"{where}: the depth gate was quantized for a lower cell format of {layer.LowerCellFracBits} fraction bits, the layer below has {lower.CellFracBits}");
    }

    /// <summary>The gate is present, and the layer below has a memory cell of the same size.</summary>
    private static void CheckLower(string where, bool hasGate, CellKind? lowerKind, int lowerHidden, int hidden)
    {
        if (!hasGate) throw new ModelException($"{where}: depth-gated LSTM needs its depth gate");
        if (lowerKind is not { } lower || !CellRegistry.For(lower).HasCell)
            throw new ModelException($"{where}: a depth-gated layer reads the memory cell of the layer below, which must be an LSTM or depth-gated layer");
        if (lowerHidden != hidden)
            throw new ModelException($"{where}: {hidden} units cannot gate the {lowerHidden} cells of the layer below; sizes must match");
    }
}
