using EdgeLstm.Core.Quantization;

namespace EdgeLstm.Core.Cells;

/// <summary>
/// What is particular to one cell kind (<see cref="CellKind"/>), in one place: its gate rows, its
/// user-facing variants, its cost model and the checks of its kind-specific fields. The engines,
/// the file format and the quantizer reach a kind only through its definition in
/// <see cref="CellRegistry"/>; a new kind is a new subclass in a folder of its own under Cells/.
/// Definitions hold no state: one instance per kind serves every layer.
/// </summary>
/// <param name="kind">The kind's byte.</param>
/// <param name="gateCount">Gate row blocks of W and R.</param>
/// <param name="variants">The user-facing variant names, the plain one first.</param>
/// <param name="onnx">The ONNX operator that expresses the cell, or null.</param>
/// <param name="hasCell">Whether the layer keeps a memory cell.</param>
public abstract class CellDefinition(CellKind kind, int gateCount, IReadOnlyList<string> variants, OnnxSchema? onnx = null, bool hasCell = false)
{
    /// <summary>The kind, the byte a model file stores for the layer.</summary>
    public CellKind Kind => kind;

    /// <summary>Gate row blocks of W and R, each of the hidden size (ONNX order where ONNX defines one).</summary>
    public int GateCount => gateCount;

    /// <summary>Whether the layer keeps a memory cell that a depth-gated layer above can read.</summary>
    public bool HasCell => hasCell;

    /// <summary>How the ONNX operator that expresses this cell (RNN, LSTM, GRU: import and export) describes it, or null for the lineage beyond ONNX.</summary>
    public OnnxSchema? Onnx => onnx;

    /// <summary>The user-facing variant names this kind stands for (`train --cell`, `bench`), the plain one first.</summary>
    public IReadOnlyList<string> Variants => variants;

    /// <summary>The ONNX operator type that expresses this cell, or null.</summary>
    public string? OnnxOperator => Onnx?.Operator;

    /// <summary>Whether one of ONNX's RNN, LSTM and GRU operators expresses this cell.</summary>
    public bool IsOnnx => Onnx is not null;

    /// <summary>Whether the layer's units split into modules with periods (`train --periods`, `bench --periods`).</summary>
    public virtual bool TakesPeriods => false;

    /// <summary>
    /// The variant a stack's first layer takes where this kind cannot be first because it reads the
    /// memory cell of the layer below (the depth-gated LSTM over an LSTM), or null.
    /// </summary>
    public virtual string? FirstLayerVariant => null;

    /// <summary>A zero-weight layer of one of <see cref="Variants"/>: a plain layer with the kind's fixed weights, unless a kind's variants set options.</summary>
    public virtual RecurrentLayer CreateLayer(string variant, int inputSize, int hiddenSize)
    {
        var layer = new RecurrentLayer(Kind, inputSize, hiddenSize);
        ApplyFixedWeights(layer);
        return layer;
    }

    /// <summary>The variant name of a layer of this kind, from its options (peepholes, coupled gates, reset placement).</summary>
    public virtual string VariantName(bool peepholes, bool inputForget, bool linearBeforeReset) => Variants[0];

    /// <summary>Multiply-accumulates of a step that updates everything: the matrix products of every gate, and the kind's extras.</summary>
    public virtual long PeakMacs(int inputs, int hidden, bool peepholes, int[]? periods) => (long)GateCount * hidden * (inputs + hidden);

    /// <summary>Multiply-accumulates per step on average over a long stream (below the peak only where a kind skips work on some steps).</summary>
    public virtual double AverageMacs(int inputs, int hidden, bool peepholes, int[]? periods) => PeakMacs(inputs, hidden, peepholes, periods);

    /// <summary>
    /// Sets the weights the kind fixes instead of learning them, after a caller filled W and R
    /// (random initialization, fixtures, the trainer's export): nothing for most kinds; the MUT cells
    /// write their cyclic input map into W and clear the R blocks their equations do not have.
    /// The float validation rejects a layer whose fixed weights differ.
    /// </summary>
    public virtual void ApplyFixedWeights(RecurrentLayer layer) { }

    /// <summary>The float reference step of a layer of this kind; lower is the step of the layer below (null for the first).</summary>
    internal abstract FloatCellStep CreateFloatStep(RecurrentLayer layer, FloatCellStep? lower);

    /// <summary>
    /// The integer step of a layer of this kind over the session's kernels, arena and activation
    /// tables (<see cref="Numerics.ActivationTable"/>, pinned); lower is the step of the layer below (null for the first).
    /// </summary>
    internal abstract unsafe IntegerCellStep CreateIntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena,
        int* sigmoid, int* tanh, IntegerCellStep? lower);

    /// <summary>
    /// The float layer record's kind-specific fields (docs/model-format.md), after the shared ones
    /// (header, clip, W, R, Wb, Rb, peepholes); nothing for a kind without any.
    /// </summary>
    internal virtual void WriteFloatFields(BinaryWriter w, RecurrentLayer layer) { }

    /// <summary>Reads what <see cref="WriteFloatFields"/> writes into the layer (checked later with the network).</summary>
    internal virtual void ReadFloatFields(BinaryReader r, RecurrentLayer layer) { }

    /// <summary>The integer layer record's kind-specific fields that sit right after the bias.</summary>
    internal virtual void WriteIntegerFieldsAfterBias(BinaryWriter w, QuantizedRecurrentLayer layer) { }

    /// <summary>Reads what <see cref="WriteIntegerFieldsAfterBias"/> writes.</summary>
    internal virtual void ReadIntegerFieldsAfterBias(BinaryReader r, int hidden, bool linearBeforeReset, IntegerLayerFields fields) { }

    /// <summary>The integer layer record's kind-specific fields at its end, after the peepholes.</summary>
    internal virtual void WriteIntegerFields(BinaryWriter w, QuantizedRecurrentLayer layer) { }

    /// <summary>Reads what <see cref="WriteIntegerFields"/> writes.</summary>
    internal virtual void ReadIntegerFields(BinaryReader r, int inputs, int hidden, IntegerLayerFields fields) { }

    /// <summary>
    /// The integer cell format of a layer of this kind from the one its calibrated range asks for
    /// (<see cref="Quantizer.CellFracBits"/>) and the layer below's: a kind without a memory cell
    /// keeps <see cref="QFormats.MaxCellFracBits"/>.
    /// </summary>
    internal virtual int QuantizedCellFracBits(int calibratedFracBits, int lowerCellFracBits) => QFormats.MaxCellFracBits;

    /// <summary>
    /// Quantizes what is particular to the kind into fields, and may rewrite the shared bias (Q3.12
    /// Wb + Rb per row) where the kind splits it; inputScale is the real value of one unit of the
    /// layer's input, cellFracBits its cell format, lowerCellFracBits the layer below's.
    /// </summary>
    internal virtual void Quantize(RecurrentLayer layer, double inputScale, int cellFracBits, int lowerCellFracBits, int[] bias, IntegerLayerFields fields) { }

    /// <summary>
    /// The checks of a float layer's kind-specific fields, after the shared shape checks and before
    /// the finiteness checks (<see cref="ModelValidation"/>); lower is the layer below, null for the first.
    /// The base rejects every option field; a kind accepts and checks its own.
    /// </summary>
    internal virtual void Validate(string where, RecurrentLayer layer, RecurrentLayer? lower)
    {
        RejectPeepholes(where, layer.Peepholes is not null);
        RejectInputForget(where, layer.InputForget);
        RejectPeriods(where, layer.Periods);
        RejectDepthGate(where, layer.Depth is not null);
    }

    /// <summary>The checks of an integer layer's kind-specific fields, as <see cref="Validate(string, RecurrentLayer, RecurrentLayer?)"/>.</summary>
    internal virtual void Validate(string where, QuantizedRecurrentLayer layer, QuantizedRecurrentLayer? lower)
    {
        RejectPeepholes(where, layer.Peepholes is not null);
        RejectPeriods(where, layer.Periods);
        RejectDepthGate(where, layer.DepthW is not null);
    }

    private protected static void RejectPeepholes(string where, bool present)
    {
        if (present) throw new ModelException($"{where}: peepholes are only defined for LSTM");
    }

    private protected static void RejectInputForget(string where, bool present)
    {
        if (present) throw new ModelException($"{where}: input_forget is only defined for LSTM");
    }

    private protected static void RejectPeriods(string where, int[]? periods)
    {
        if (periods is not null) throw new ModelException($"{where}: periods are only defined for Clockwork RNN");
    }

    private protected static void RejectDepthGate(string where, bool present)
    {
        if (present) throw new ModelException($"{where}: a depth gate is only defined for depth-gated LSTM");
    }
}
