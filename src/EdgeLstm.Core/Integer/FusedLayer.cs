using EdgeLstm.Core.Model;
using EdgeLstm.Core.Quantized;

namespace EdgeLstm.Core.Integer;

/// <summary>
/// A layer prepared for the fused vector step (LSTM without peepholes, GRU with
/// linear_before_reset = 1): per block of L hidden units, the input and recurrent products of
/// every gate, requantization, activations and the state update in one pass, in registers.
/// It computes exactly the formulas of the unfused kernels (so the scalar reference stays the
/// oracle); only the order of work changes. Padded units (hidden size not a multiple of L) have
/// zero weights, constants and biases: their pre-activations are 0, so g = tanh(0) = 0 and a GRU
/// candidate is 0, and their h and c stay 0 from the zeroed start (the next layer reads them as
/// zero columns).
/// </summary>
internal sealed unsafe class FusedLayer
{
    /// <summary>Layers whose int16 weights fit in this many bytes are held widened (they stay in L1 with room for the rest).</summary>
    public const int WidenBudgetBytes = 16 * 1024;

    public FusedLayer(QuantizedRecurrentLayer layer, int lanes, int lo, int hi, int* sigmoid, int* tanh, PinnedArena arena)
    {
        int hs = layer.HiddenSize, gates = Gates.Count(layer.Kind);
        UnitBlocks = (hs + lanes - 1) / lanes;
        long wideBytes = 2L * UnitBlocks * gates * lanes * (2 * ((layer.InputSize + 1) / 2) + 2 * ((hs + 1) / 2));
        bool widen = wideBytes <= WidenBudgetBytes;
        W = new GateInterleavedMatrix(layer.W, gates, hs, lanes, widen, arena);
        R = new GateInterleavedMatrix(layer.R, gates, hs, lanes, widen, arena);
        Bias = W.Interleave(layer.Bias, hs, arena);
        if (layer.Kind == CellKind.Gru)
        {
            // Rbh rides in the candidate gate's rows.
            var hBias = new int[gates * hs];
            layer.CandidateRecurrentBias?.CopyTo(hBias, Model.Gates.GruHidden * hs);
            HiddenBias = W.Interleave(hBias, hs, arena);
        }
        Lo = lo;
        Hi = hi;
        Sigmoid = sigmoid;
        Tanh = tanh;
        CellFracBits = layer.CellFracBits;
        Coupled = layer.InputForget;
    }

    /// <summary>Whether the fused step covers this layer.</summary>
    public static bool Covers(QuantizedRecurrentLayer layer) =>
        (layer.Kind == CellKind.Lstm && layer.Peepholes is null) || (layer.Kind == CellKind.Gru && layer.LinearBeforeReset);

    public int UnitBlocks { get; }
    public GateInterleavedMatrix W { get; }
    public GateInterleavedMatrix R { get; }
    public int* Bias { get; }
    public int* HiddenBias { get; }
    public int Lo { get; }
    public int Hi { get; }
    public int* Sigmoid { get; }
    public int* Tanh { get; }
    public int CellFracBits { get; }
    public bool Coupled { get; }
}
