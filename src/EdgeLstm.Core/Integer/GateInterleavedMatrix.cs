namespace EdgeLstm.Core.Integer;

/// <summary>
/// A layer's W or R (rows: gate g, unit k at row g*hidden + k) laid out for the fused vector
/// step: hidden units in blocks of L lanes; within a unit block, per column pair p, the L rows of
/// every gate one after the other, each as the 2L values [r0c0 r0c1 r1c0 r1c1 ...] (the
/// <see cref="PreparedMatrix"/> pair layout). One pass over a unit block then reads its weights
/// strictly in order: for each broadcast input pair, the gates' vectors at fixed offsets from one
/// pointer. Units past the hidden size and the column past an odd width are zero (see
/// <see cref="FusedLayer"/> for why padded units stay exactly 0).
/// Weights are int8, or int16 when <paramref name="widen"/> (the caller widens small layers whose
/// weights stay in L1 either way, so the step skips the sign extension).
/// </summary>
internal sealed unsafe class GateInterleavedMatrix
{
    public GateInterleavedMatrix(QuantizedMatrix source, int gates, int hidden, int lanes, bool widen, PinnedArena arena)
    {
        if (source.Rows != gates * hidden) throw new ArgumentException($"{source.Rows} rows, expected {gates} gates x {hidden} units");
        int unitBlocks = (hidden + lanes - 1) / lanes;
        ColPairs = (source.Cols + 1) / 2;
        BlockValues = ColPairs * gates * 2 * lanes;
        Widened = widen;
        int count = unitBlocks * BlockValues;
        if (widen) Weights16 = arena.Allocate<short>(count);
        else Weights8 = arena.Allocate<sbyte>(count);
        for (int g = 0; g < gates; g++)
            for (int unit = 0; unit < hidden; unit++)
                for (int col = 0; col < source.Cols; col++)
                {
                    int u = unit / lanes, lane = unit % lanes, p = col / 2, k = col % 2;
                    int at = u * BlockValues + (p * gates + g) * 2 * lanes + 2 * lane + k;
                    sbyte v = source.Values[(g * hidden + unit) * source.Cols + col];
                    if (widen) Weights16[at] = v;
                    else Weights8[at] = v;
                }
    }

    public int ColPairs { get; }

    /// <summary>Weights per unit block: ColPairs x Gates x 2 x Lanes.</summary>
    public int BlockValues { get; }
    public bool Widened { get; }
    public sbyte* Weights8 { get; }
    public short* Weights16 { get; }
}
