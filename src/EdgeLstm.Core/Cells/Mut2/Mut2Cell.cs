using EdgeLstm.Core.Cells.Gru;
using EdgeLstm.Core.Cells.Mut;

namespace EdgeLstm.Core.Cells.Mut2;

/// <summary>
/// MUT2, the second of the architectures Jozefowicz, Zaremba and Sutskever evolved from the GRU ("An
/// Empirical Exploration of Recurrent Network Architectures", ICML 2015):
///   z = σ(W_xz x + W_hz h + b_z), r = σ(x + W_hr h + b_r),
///   h' = tanh(W_hh (r ⊙ h) + W_xh x + b_h) ⊙ z + h ⊙ (1 - z).
/// Layout, gate rows z, r, h as GRU's: W's z and h blocks are W_xz and W_xh; W's r block is the
/// fixed cyclic input map (<see cref="CyclicInputMap"/>), the x the paper adds to r's
/// pre-activation; R's blocks W_hz, W_hr, W_hh; b = Wb + Rb per row. The cell is then GRU with
/// linear_before_reset = 0 whose W_xr is the map, and runs as such. Departures from the paper: the
/// map where the paper needs I = H, and z in GRU's convention (as <see cref="Mut3.Mut3Cell"/> says). Not an ONNX operator; no kind-specific file fields.
/// </summary>
public sealed class Mut2Cell() : CellDefinition(CellKind.Mut2, gateCount: 3, variants: ["mut2"])
{
    /// <summary>The map in W's r block.</summary>
    public override void ApplyFixedWeights(RecurrentLayer layer) =>
        CyclicInputMap.Write(layer.W, Gates.GruReset, layer.InputSize, layer.HiddenSize);

    /// <summary>GRU with linear_before_reset = 0: its W_r block is the map, which the product computes exactly.</summary>
    internal override FloatCellStep CreateFloatStep(RecurrentLayer layer, FloatCellStep? lower) => new GruFloatStep(layer, linearBeforeReset: false);

    internal override unsafe IntegerCellStep CreateIntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena,
        int* sigmoid, int* tanh, IntegerCellStep? lower) => new GruIntegerStep(layer, kernels, arena, sigmoid, tanh, linearBeforeReset: false);

    internal override void Validate(string where, RecurrentLayer layer, RecurrentLayer? lower)
    {
        base.Validate(where, layer, lower);
        CyclicInputMap.Check(where, "r", layer.W, Gates.GruReset, layer.InputSize, layer.HiddenSize);
    }

    internal override void Validate(string where, QuantizedRecurrentLayer layer, QuantizedRecurrentLayer? lower)
    {
        base.Validate(where, layer, lower);
        CyclicInputMap.Check(where, "r", layer.W, Gates.GruReset, layer.HiddenSize);
    }
}
