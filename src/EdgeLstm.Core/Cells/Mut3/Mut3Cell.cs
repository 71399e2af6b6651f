namespace EdgeLstm.Core.Cells.Mut3;

/// <summary>
/// MUT3, the third of the architectures Jozefowicz, Zaremba and Sutskever evolved from the GRU ("An
/// Empirical Exploration of Recurrent Network Architectures", ICML 2015):
///   z = σ(W_xz x + W_hz tanh(h) + b_z), r = σ(W_xr x + W_hr h + b_r),
///   h' = tanh(W_hh (r ⊙ h) + W_xh x + b_h) ⊙ z + h ⊙ (1 - z).
/// Layout, gate rows z, r, h as GRU's, every block learned: W's W_xz, W_xr, W_xh; R's z block
/// W_hz (applied to tanh(h)), r block W_hr, h block W_hh; b = Wb + Rb per row. MUT3 adds nothing of
/// hidden size to x, so it needs no input map and takes any input size as the paper does. The one
/// departure: z is kept in GRU's (and ONNX's) convention, the share of the old state:
/// h' = (1 - z) ⊙ candidate + z ⊙ h, so the stored z weights are the negation of the paper's
/// (σ(-a) = 1 - σ(a): the same function class). Not an ONNX operator; no kind-specific file fields.
/// </summary>
public sealed class Mut3Cell() : CellDefinition(CellKind.Mut3, gateCount: 3, variants: ["mut3"])
{
    internal override FloatCellStep CreateFloatStep(RecurrentLayer layer, FloatCellStep? lower) => new Mut3FloatStep(layer);

    internal override unsafe IntegerCellStep CreateIntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena,
        int* sigmoid, int* tanh, IntegerCellStep? lower) => new Mut3IntegerStep(layer, kernels, arena, sigmoid, tanh);
}
