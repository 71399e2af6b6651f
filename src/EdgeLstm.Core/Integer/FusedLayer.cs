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

    /// <summary>
    /// Per-row constants of one gate of one unit block, each a vector of L lanes, in this order
    /// (<see cref="Constants"/>): the requantization of the input product and of the recurrent
    /// product (<see cref="RequantConstants"/>: multiplier, round high, round low, shift), the
    /// bias, and a GRU candidate's recurrent bias (zero for every other gate).
    /// </summary>
    public const int XRequant = 0, HRequant = 4, BiasField = 8, HiddenBiasField = 9, Fields = 10;

    /// <summary>hiddenBias: a GRU candidate's recurrent bias (linear_before_reset = 1), null for an LSTM.</summary>
    public FusedLayer(QuantizedRecurrentLayer layer, int lanes, int lo, int hi, int* sigmoid, int* tanh, int[]? hiddenBias, PinnedArena arena)
    {
        int hs = layer.HiddenSize, gates = layer.Definition.GateCount;
        UnitBlocks = (hs + lanes - 1) / lanes;
        long wideBytes = 2L * UnitBlocks * gates * lanes * (2 * ((layer.InputSize + 1) / 2) + 2 * ((hs + 1) / 2));
        bool widen = wideBytes <= WidenBudgetBytes;
        W = new GateInterleavedMatrix(layer.W, gates, hs, lanes, widen, arena);
        R = new GateInterleavedMatrix(layer.R, gates, hs, lanes, widen, arena);
        int gateStride = Fields * lanes, blockStride = gates * gateStride;
        Constants = arena.Allocate<int>(UnitBlocks * blockStride);
        PreActivations = arena.Allocate<int>(UnitBlocks * 4 * lanes);
        for (int g = 0; g < gates; g++)
            for (int unit = 0; unit < hs; unit++)
            {
                int row = g * hs + unit;
                int* at = Constants + (unit / lanes) * blockStride + g * gateStride + unit % lanes;
                Put(at + XRequant * lanes, lanes, RequantConstants.From(layer.W.Requant[row]));
                Put(at + HRequant * lanes, lanes, RequantConstants.From(layer.R.Requant[row]));
                at[BiasField * lanes] = layer.Bias[row];
                if (hiddenBias is not null && g == Model.Gates.GruHidden)
                    at[HiddenBiasField * lanes] = hiddenBias[unit];
            }
        Lo = lo;
        Hi = hi;
        Sigmoid = sigmoid;
        Tanh = tanh;
        CellFracBits = layer.CellFracBits;
        Coupled = layer.InputForget;
    }

    private static void Put(int* at, int lanes, RequantConstants c)
    {
        at[0] = c.Multiplier;
        at[lanes] = c.RoundHigh;
        at[2 * lanes] = c.RoundLow;
        at[3 * lanes] = c.Shift;
    }

    public int UnitBlocks { get; }
    public GateInterleavedMatrix W { get; }
    public GateInterleavedMatrix R { get; }

    /// <summary>Per unit block, per gate, the <see cref="Fields"/> constant vectors (a gate's are Fields x L ints, a block's gates x Fields x L).</summary>
    public int* Constants { get; }

    /// <summary>Scratch between the two passes of a step: per unit block four vectors (LSTM: the gates' pre-activations; GRU: z, r, and the candidate's two parts).</summary>
    public int* PreActivations { get; }

    public int Lo { get; }
    public int Hi { get; }
    public int* Sigmoid { get; }
    public int* Tanh { get; }
    public int CellFracBits { get; }
    public bool Coupled { get; }
}
