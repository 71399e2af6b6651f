using EdgeLstm.Core.Format;
using EdgeLstm.Core.Quantization;

namespace EdgeLstm.Core.Cells.Gru;

/// <summary>
/// The GRU (ONNX GRU, gate order z, r, h) with its option linear_before_reset: 1 (variant "gru",
/// the PyTorch/Keras form) applies the reset gate after the recurrent product, candidate =
/// tanh(Wh x + Wbh + r ⊙ (Rh h + Rbh)), and keeps Rbh apart in the integer form; 0 (variant
/// "gru-lbr0") computes tanh(Wh x + Rh (r ⊙ h) + Wbh + Rbh).
/// </summary>
public sealed class GruCell() : CellDefinition(CellKind.Gru, gateCount: 3, variants: ["gru", "gru-lbr0"],
    onnx: new OnnxSchema("GRU", DefaultActivations: ["Sigmoid", "Tanh"], HasCellState: false, HasPeepholes: false,
        Flags: [new OnnxFlag("linear_before_reset", l => l.LinearBeforeReset, (l, on) => l.LinearBeforeReset = on)]))
{
    public override RecurrentLayer CreateLayer(string variant, int inputSize, int hiddenSize) =>
        new(CellKind.Gru, inputSize, hiddenSize) { LinearBeforeReset = variant != "gru-lbr0" };

    public override string VariantName(bool peepholes, bool inputForget, bool linearBeforeReset) => linearBeforeReset ? "gru" : "gru-lbr0";

    internal override FloatCellStep CreateFloatStep(RecurrentLayer layer, FloatCellStep? lower) => new GruFloatStep(layer, layer.LinearBeforeReset);

    internal override unsafe IntegerCellStep CreateIntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena,
        int* sigmoid, int* tanh, IntegerCellStep? lower) => new GruIntegerStep(layer, kernels, arena, sigmoid, tanh);

    /// <summary>linear_before_reset = 1: the candidate's recurrent bias Rbh, int32 Q3.12 [H], after the bias.</summary>
    internal override void WriteIntegerFieldsAfterBias(BinaryWriter w, QuantizedRecurrentLayer layer)
    {
        if (layer.LinearBeforeReset) ModelFileWriter.WriteRaw(w, layer.CandidateRecurrentBias!);
    }

    internal override void ReadIntegerFieldsAfterBias(BinaryReader r, int hidden, bool linearBeforeReset, IntegerLayerFields fields)
    {
        if (linearBeforeReset) fields.CandidateRecurrentBias = ModelFileReader.ReadArray<int>(r, hidden);
    }

    /// <summary>
    /// linear_before_reset = 1: the candidate rows' bias holds Wbh only, and Rbh becomes the candidate
    /// recurrent bias (Q3.12 [H]), added inside the reset gate's product.
    /// </summary>
    internal override void Quantize(RecurrentLayer layer, double inputScale, int cellFracBits, int lowerCellFracBits, int[] bias, IntegerLayerFields fields)
    {
        if (!layer.LinearBeforeReset) return;
        int hs = layer.HiddenSize;
        for (int r = 2 * hs; r < layer.Rows; r++) bias[r] = Quantizer.ToQ12(layer.Wb[r]);
        fields.CandidateRecurrentBias = layer.Rb.AsSpan(2 * hs, hs).ToArray().Select(b => Quantizer.ToQ12(b)).ToArray();
    }

    internal override void Validate(string where, QuantizedRecurrentLayer layer, QuantizedRecurrentLayer? lower)
    {
        if (layer.LinearBeforeReset)
        {
            if (layer.CandidateRecurrentBias is null) throw new ModelException($"{where}: GRU with linear_before_reset needs its candidate recurrent bias");
            ModelValidation.CheckLength(where, "candidate recurrent bias", layer.CandidateRecurrentBias.Length, layer.HiddenSize);
        }
        base.Validate(where, layer, lower);
    }
}
