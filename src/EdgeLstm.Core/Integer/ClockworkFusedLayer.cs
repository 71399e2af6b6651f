using EdgeLstm.Core.Numerics;
using EdgeLstm.Core.Quantized;

namespace EdgeLstm.Core.Integer;

/// <summary>
/// A Clockwork layer prepared for the fused vector step: per module, its units in blocks of L
/// lanes, and per block the input weights and then the recurrent weights of the columns the
/// module reads (its own and the slower modules' units), column pairs interleaved as in
/// <see cref="PreparedMatrix"/>, so that one pass per block computes both products,
/// requantization, tanh and the store (<see cref="IntegerKernels.ClockworkStep"/>). A module
/// whose units do not fill its last block has zero weights, constants and biases in the padded
/// rows, which are computed and never stored. Requantization constants and biases are in the
/// same padded row order: row (m * BlocksPerModule + b) * L + lane.
/// The module's new values go to <see cref="Scratch"/> and are copied into h once the whole
/// module is done (its later blocks still read its previous state), except when the module is
/// exactly one block, which is stored in place.
/// </summary>
internal sealed unsafe class ClockworkFusedLayer
{
    public ClockworkFusedLayer(QuantizedRecurrentLayer layer, int lanes, int lo, int hi, int* tanh, PinnedArena arena)
    {
        int hs = layer.HiddenSize, modules = layer.Periods!.Length, k = layer.ModuleSize;
        Lanes = lanes;
        ModuleSize = k;
        BlocksPerModule = (k + lanes - 1) / lanes;
        InputPairs = (layer.InputSize + 1) / 2;
        StoresInPlace = k == lanes;
        RecurrentPairs = new int[modules];
        BlockLength = new int[modules];
        WeightOffset = new long[modules];
        long elements = 0;
        for (int m = 0; m < modules; m++)
        {
            RecurrentPairs[m] = (hs - m * k + 1) / 2;
            BlockLength[m] = (InputPairs + RecurrentPairs[m]) * 2 * lanes;
            WeightOffset[m] = elements;
            elements += (long)BlocksPerModule * BlockLength[m];
        }
        Widened = 2 * elements <= FusedLayer.WidenBudgetBytes;
        if (Widened) Weights16 = arena.Allocate<short>(checked((int)elements));
        else Weights8 = arena.Allocate<sbyte>(checked((int)elements));

        int rows = modules * BlocksPerModule * lanes;
        int* m8 = arena.Allocate<int>(rows), rh = arena.Allocate<int>(rows), rl = arena.Allocate<int>(rows), s = arena.Allocate<int>(rows);
        int* hm = arena.Allocate<int>(rows), hrh = arena.Allocate<int>(rows), hrl = arena.Allocate<int>(rows), hsh = arena.Allocate<int>(rows);
        Bias = arena.Allocate<int>(rows);
        for (int m = 0; m < modules; m++)
            for (int u = 0; u < k; u++)
            {
                int unit = m * k + u, block = u / lanes, lane = u % lanes, row = (m * BlocksPerModule + block) * lanes + lane;
                long at = WeightOffset[m] + (long)block * BlockLength[m];
                for (int c = 0; c < layer.InputSize; c++) Put(at, c, lane, layer.W.Values[unit * layer.InputSize + c]);
                at += InputPairs * 2 * lanes;
                for (int c = m * k; c < hs; c++) Put(at, c - m * k, lane, layer.R.Values[unit * hs + c]);
                (m8[row], rh[row], rl[row], s[row]) = Constants(layer.W.Requant[unit]);
                (hm[row], hrh[row], hrl[row], hsh[row]) = Constants(layer.R.Requant[unit]);
                Bias[row] = layer.Bias[unit];
            }
        InputRequant = new RequantRows(m8, rh, rl, s);
        RecurrentRequant = new RequantRows(hm, hrh, hrl, hsh);
        Scratch = arena.Allocate<short>(BlocksPerModule * lanes);
        Lo = lo;
        Hi = hi;
        Tanh = tanh;
    }

    /// <summary>Column c of one lane's row in the block starting at element at (pairs of columns, 2 L values per pair).</summary>
    private void Put(long at, int c, int lane, sbyte v)
    {
        long i = at + (c / 2) * 2 * Lanes + 2 * lane + c % 2;
        if (Widened) Weights16[i] = v;
        else Weights8[i] = v;
    }

    private static (int, int, int, int) Constants(Requantizer r)
    {
        var c = RequantConstants.From(r);
        return (c.Multiplier, c.RoundHigh, c.RoundLow, c.Shift);
    }

    public int Lanes { get; }
    public int ModuleSize { get; }
    public int BlocksPerModule { get; }
    public int InputPairs { get; }

    /// <summary>Per module: column pairs of h it reads, from its first unit to the end.</summary>
    public int[] RecurrentPairs { get; }

    /// <summary>Per module: weights per block (input pairs then recurrent pairs, 2 L each).</summary>
    public int[] BlockLength { get; }

    /// <summary>Per module: where its first block starts in the weights.</summary>
    public long[] WeightOffset { get; }

    /// <summary>Weights held as int16 (small layers, as <see cref="FusedLayer"/> does) or int8.</summary>
    public bool Widened { get; }
    public short* Weights16 { get; }
    public sbyte* Weights8 { get; }
    public RequantRows InputRequant { get; }
    public RequantRows RecurrentRequant { get; }
    public int* Bias { get; }

    /// <summary>A module of exactly one full block is written straight into h.</summary>
    public bool StoresInPlace { get; }

    /// <summary>One module's new values (BlocksPerModule * L) before they are copied into h.</summary>
    public short* Scratch { get; }
    public int Lo { get; }
    public int Hi { get; }
    public int* Tanh { get; }
}
