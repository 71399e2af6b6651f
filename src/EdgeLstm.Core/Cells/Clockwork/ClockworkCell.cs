using EdgeLstm.Core.Format;

namespace EdgeLstm.Core.Cells.Clockwork;

/// <summary>
/// The Clockwork RNN (Koutník et al. 2014, see <see cref="CellKind.Clockwork"/>): one tanh gate
/// row block split into equal modules with strictly increasing periods, fastest first; a module
/// reads only modules at least as slow, so R is block upper triangular. Not an ONNX operator.
/// </summary>
public sealed class ClockworkCell() : CellDefinition(CellKind.Clockwork, gateCount: 1, variants: ["clockwork"])
{
    public override bool TakesPeriods => true;

    public override RecurrentLayer CreateLayer(string variant, int inputSize, int hiddenSize) =>
        new(CellKind.Clockwork, inputSize, hiddenSize) { Periods = ClockworkCost.DefaultPeriods(hiddenSize) };

    /// <summary>Every module's products (step 0, where all are due).</summary>
    public override long PeakMacs(int inputs, int hidden, bool peepholes, int[]? periods) => ClockworkCost.PeakMacs(inputs, hidden, periods!);

    /// <summary>Each module's products weighted by how often it runs, 1 / period.</summary>
    public override double AverageMacs(int inputs, int hidden, bool peepholes, int[]? periods) => ClockworkCost.AverageMacs(inputs, hidden, periods!);

    internal override FloatCellStep CreateFloatStep(RecurrentLayer layer, FloatCellStep? lower) => new ClockworkFloatStep(layer);

    internal override unsafe IntegerCellStep CreateIntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena,
        int* sigmoid, int* tanh, IntegerCellStep? lower) => new ClockworkIntegerStep(layer, kernels, arena, sigmoid, tanh);

    /// <summary>The module periods, in both records: u16 count, then int32 periods (checked with the layer).</summary>
    internal override void WriteFloatFields(BinaryWriter w, RecurrentLayer layer) => WritePeriods(w, layer.Periods!);

    internal override void ReadFloatFields(BinaryReader r, RecurrentLayer layer) => layer.Periods = ReadPeriods(r);

    internal override void WriteIntegerFields(BinaryWriter w, QuantizedRecurrentLayer layer) => WritePeriods(w, layer.Periods!);

    internal override void ReadIntegerFields(BinaryReader r, int inputs, int hidden, IntegerLayerFields fields) => fields.Periods = ReadPeriods(r);

    private static void WritePeriods(BinaryWriter w, int[] periods)
    {
        w.Write((ushort)periods.Length);
        ModelFileWriter.WriteRaw(w, periods);
    }

    private static int[] ReadPeriods(BinaryReader r)
    {
        int count = r.ReadUInt16();
        if (count == 0 || count > 1024) throw new ModelException($"clockwork module count {count} is out of range");
        return ModelFileReader.ReadArray<int>(r, count);
    }

    /// <summary>The periods, as they are (they are integers already).</summary>
    internal override void Quantize(RecurrentLayer layer, double inputScale, int cellFracBits, int lowerCellFracBits, int[] bias, IntegerLayerFields fields) =>
        fields.Periods = layer.Periods!.ToArray();

    internal override void Validate(string where, RecurrentLayer layer, RecurrentLayer? lower)
    {
        RejectPeepholes(where, layer.Peepholes is not null);
        RejectInputForget(where, layer.InputForget);
        CheckPeriods(where, layer.HiddenSize, layer.Periods);
        RejectDepthGate(where, layer.Depth is not null);
        // Module i reads only modules i.. (at least as slow): the blocks below the diagonal must be empty.
        int k = layer.ModuleSize;
        for (int r = 0; r < layer.HiddenSize; r++)
            for (int c = 0; c < r / k * k; c++)
                if (layer.R[r * layer.HiddenSize + c] != 0)
                    throw new ModelException($"{where}: R[{r},{c}] connects a slower module to a faster one's input; Clockwork RNN allows only fast-from-slow connections");
    }

    internal override void Validate(string where, QuantizedRecurrentLayer layer, QuantizedRecurrentLayer? lower)
    {
        RejectPeepholes(where, layer.Peepholes is not null);
        CheckPeriods(where, layer.HiddenSize, layer.Periods);
        RejectDepthGate(where, layer.DepthW is not null);
    }

    /// <summary>Periods present, positive, strictly increasing, and the units split into that many equal modules.</summary>
    private static void CheckPeriods(string where, int hiddenSize, int[]? periods)
    {
        if (periods is null || periods.Length == 0) throw new ModelException($"{where}: Clockwork RNN needs module periods");
        if (hiddenSize % periods.Length != 0)
            throw new ModelException($"{where}: {hiddenSize} units do not split into {periods.Length} equal modules");
        for (int i = 0; i < periods.Length; i++)
            if (periods[i] < 1 || (i > 0 && periods[i] <= periods[i - 1]))
                throw new ModelException($"{where}: module periods must be positive and strictly increasing ({string.Join(",", periods)})");
    }
}
