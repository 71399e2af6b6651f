using EdgeLstm.Core.Cells.Mut;

namespace EdgeLstm.Core.Cells.Mut1;

/// <summary>
/// MUT1, the best of the architectures Jozefowicz, Zaremba and Sutskever evolved from the GRU ("An
/// Empirical Exploration of Recurrent Network Architectures", ICML 2015):
///   z = σ(W_xz x + b_z), r = σ(W_xr x + W_hr h + b_r),
///   h' = tanh(W_hh (r ⊙ h) + tanh(x) + b_h) ⊙ z + h ⊙ (1 - z).
/// Layout, gate rows z, r, h as GRU's: W's z and r blocks are W_xz and W_xr; W's h block is the
/// fixed cyclic input map (<see cref="CyclicInputMap"/>), the x the paper adds; R's z block is
/// zero (z has no recurrent term), R's r block W_hr, R's h block W_hh; b = Wb + Rb per row (the h
/// rows' bias sits outside the inner tanh: tanh(x̃) + b_h). Departures from the paper: the map
/// where the paper needs I = H, and z in GRU's convention (as <see cref="Mut3.Mut3Cell"/> says). The clip, if any, applies to the three gate
/// pre-activations, not to the inner tanh. Not an ONNX operator; no kind-specific file fields.
/// </summary>
public sealed class Mut1Cell() : CellDefinition(CellKind.Mut1, gateCount: 3, variants: ["mut1"])
{
    /// <summary>The map in W's h block; R's z block cleared.</summary>
    public override void ApplyFixedWeights(RecurrentLayer layer)
    {
        int hs = layer.HiddenSize;
        CyclicInputMap.Write(layer.W, Gates.GruHidden, layer.InputSize, hs);
        Array.Clear(layer.R, Gates.GruUpdate * hs * hs, hs * hs);
    }

    /// <summary>W's three blocks (the map's included: the engines run it as a product) and R's r and h blocks.</summary>
    public override long PeakMacs(int inputs, int hidden, bool peepholes, int[]? periods) =>
        3L * hidden * inputs + 2L * hidden * hidden;

    internal override FloatCellStep CreateFloatStep(RecurrentLayer layer, FloatCellStep? lower) => new Mut1FloatStep(layer);

    internal override unsafe IntegerCellStep CreateIntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena,
        int* sigmoid, int* tanh, IntegerCellStep? lower) => new Mut1IntegerStep(layer, kernels, arena, sigmoid, tanh);

    internal override void Validate(string where, RecurrentLayer layer, RecurrentLayer? lower)
    {
        base.Validate(where, layer, lower);
        CyclicInputMap.Check(where, "h", layer.W, Gates.GruHidden, layer.InputSize, layer.HiddenSize);
        CyclicInputMap.CheckEmpty(where, "z", layer.R, Gates.GruUpdate, layer.HiddenSize);
    }

    internal override void Validate(string where, QuantizedRecurrentLayer layer, QuantizedRecurrentLayer? lower)
    {
        base.Validate(where, layer, lower);
        CyclicInputMap.Check(where, "h", layer.W, Gates.GruHidden, layer.HiddenSize);
        CyclicInputMap.CheckEmpty(where, "z", layer.R, Gates.GruUpdate, layer.HiddenSize);
    }
}
