namespace EdgeLstm.Core.Integer;

/// <summary>
/// A Clockwork layer prepared for the fused vector step (<see cref="IntegerKernels.ClockworkStep"/>):
/// per module, its units in blocks of L lanes, the blocks in groups of 4, 2 or 1 (as many of 4
/// as fit, then 2, then 1: the same for every module) that the kernel runs together, sharing
/// each broadcast of an input pair. A group of G blocks holds its input weights and then its
/// recurrent weights (only the columns the module reads: its own and the slower modules'
/// units), pair-major so the kernel reads them in order: pair p, block j, lane, column of the
/// pair at ((p * G + j) * L + lane) * 2 + column. Each block has one record of constants, L
/// ints per field (<see cref="Field"/>): the input and recurrent requantization and the bias.
/// A module whose units do not fill its last block has zero weights, constants and biases in
/// the padded rows, which are computed and never stored.
/// The module's new values go to <see cref="Scratch"/> and are copied into h once the whole
/// module is done (its later blocks still read its previous state), except when the module is
/// exactly one block, which is stored in place.
/// </summary>
internal sealed unsafe class ClockworkFusedLayer
{
    /// <summary>The fields of a block's constants record, each L ints.</summary>
    public enum Field { InputM, InputRoundHigh, InputRoundLow, InputShift, HiddenM, HiddenRoundHigh, HiddenRoundLow, HiddenShift, Bias, Count }

    /// <summary>Per due module in <see cref="Modules"/>: first unit, recurrent column pairs, weights offset, constants offset.</summary>
    public const int ModuleFields = 4;

    public ClockworkFusedLayer(QuantizedRecurrentLayer layer, int lanes, int lo, int hi, int* tanh, PinnedArena arena)
    {
        int hs = layer.HiddenSize, modules = layer.Periods!.Length, k = layer.ModuleSize;
        int blocks = (k + lanes - 1) / lanes, inputPairs = (layer.InputSize + 1) / 2;
        Lanes = lanes;
        ModuleSize = k;
        InputPairs = inputPairs;
        StoresInPlace = k == lanes;
        var groups = new List<int>();
        for (int left = blocks; left > 0; left -= groups[^1]) groups.Add(left >= 4 ? 4 : left >= 2 ? 2 : 1);
        Groups = [.. groups];
        RecordInts = (int)Field.Count * lanes;

        Modules = arena.Allocate<int>(ModuleFields * modules);
        long elements = 0;
        for (int m = 0; m < modules; m++)
        {
            int pairs = (hs - m * k + 1) / 2;
            int* record = Modules + ModuleFields * m;
            (record[0], record[1], record[2], record[3]) = (m * k, pairs, checked((int)elements), m * blocks * RecordInts);
            elements += (long)blocks * (inputPairs + pairs) * 2 * lanes;
        }
        Widened = 2 * elements <= FusedLayer.WidenBudgetBytes;
        if (Widened) Weights16 = arena.Allocate<short>(checked((int)elements));
        else Weights8 = arena.Allocate<sbyte>(checked((int)elements));
        Constants = arena.Allocate<int>(modules * blocks * RecordInts);

        for (int m = 0; m < modules; m++)
        {
            int* record = Modules + ModuleFields * m;
            int pairs = record[1];
            long groupStart = record[2];
            int block = 0;
            foreach (int g in Groups)
            {
                for (int j = 0; j < g; j++, block++)
                    for (int lane = 0; lane < lanes; lane++)
                    {
                        int u = block * lanes + lane;
                        if (u >= k) continue;
                        int unit = m * k + u;
                        for (int c = 0; c < layer.InputSize; c++)
                            Put(groupStart, g, j, lane, c, layer.W.Values[unit * layer.InputSize + c]);
                        for (int c = m * k; c < hs; c++)
                            Put(groupStart + (long)inputPairs * g * 2 * lanes, g, j, lane, c - m * k, layer.R.Values[unit * hs + c]);
                        int* constants = Constants + record[3] + block * RecordInts + lane;
                        SetRequant(constants, (int)Field.InputM, layer.W.Requant[unit]);
                        SetRequant(constants, (int)Field.HiddenM, layer.R.Requant[unit]);
                        constants[(int)Field.Bias * lanes] = layer.Bias[unit];
                    }
                groupStart += (long)g * (inputPairs + pairs) * 2 * lanes;
            }
        }
        Scratch = arena.Allocate<short>(blocks * lanes);
        Lo = lo;
        Hi = hi;
        Tanh = tanh;
    }

    /// <summary>Column c of lane's row in block j of the group of g blocks whose part (input or recurrent) starts at element at.</summary>
    private void Put(long at, int g, int j, int lane, int c, sbyte v)
    {
        long i = at + (((long)(c / 2) * g + j) * Lanes + lane) * 2 + c % 2;
        if (Widened) Weights16[i] = v;
        else Weights8[i] = v;
    }

    private void SetRequant(int* lane, int field, Requantizer r)
    {
        var c = RequantConstants.From(r);
        lane[field * Lanes] = c.Multiplier;
        lane[(field + 1) * Lanes] = c.RoundHigh;
        lane[(field + 2) * Lanes] = c.RoundLow;
        lane[(field + 3) * Lanes] = c.Shift;
    }

    public int Lanes { get; }
    public int ModuleSize { get; }
    public int InputPairs { get; }

    /// <summary>Block counts of a module's groups, in order (e.g. 4, 4 for 8 blocks; 2, 1 for 3).</summary>
    public int[] Groups { get; }

    /// <summary>Ints per block's constants record.</summary>
    public int RecordInts { get; }

    /// <summary><see cref="ModuleFields"/> ints per module: first unit, recurrent column pairs, offset of its weights, offset of its constants.</summary>
    public int* Modules { get; }

    /// <summary>Weights held as int16 (small layers, as <see cref="FusedLayer"/> does) or int8.</summary>
    public bool Widened { get; }
    public short* Weights16 { get; }
    public sbyte* Weights8 { get; }
    public int* Constants { get; }

    /// <summary>A module of exactly one full block is written straight into h.</summary>
    public bool StoresInPlace { get; }

    /// <summary>One module's new values (its blocks * L) before they are copied into h.</summary>
    public short* Scratch { get; }
    public int Lo { get; }
    public int Hi { get; }
    public int* Tanh { get; }
}
