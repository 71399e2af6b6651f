using EdgeLstm.Core.Numerics;
using EdgeLstm.Core.Quantized;

namespace EdgeLstm.Core.Integer;

/// <summary>
/// A layer's W or R (rows: gate g, unit k at row g*hidden + k) laid out for the fused vector
/// step: hidden units in blocks of L lanes, and for each unit block the L rows of every gate one
/// after the other, so that one pass over the input yields all gates of L units at once.
/// Block (u, g) holds, per column pair p, the 2L values [r0c0 r0c1 r1c0 r1c1 ...] of rows
/// g*hidden + u*L + lane (the <see cref="PreparedMatrix"/> pair layout). Units past the hidden
/// size and the column past an odd width are zero, and so are their requantization constants,
/// which makes a padded unit's gate pre-activation exactly 0 (see <see cref="FusedLayer"/>).
/// Weights are int8, or int16 when <paramref name="widen"/> (the caller widens small layers whose
/// weights stay in L1 either way, so the step skips the sign extension).
/// </summary>
internal sealed unsafe class GateInterleavedMatrix
{
    public GateInterleavedMatrix(QuantizedMatrix source, int gates, int hidden, int lanes, bool widen, PinnedArena arena)
    {
        if (source.Rows != gates * hidden) throw new ArgumentException($"{source.Rows} rows, expected {gates} gates x {hidden} units");
        Gates = gates;
        Lanes = lanes;
        UnitBlocks = (hidden + lanes - 1) / lanes;
        ColPairs = (source.Cols + 1) / 2;
        Widened = widen;
        int count = UnitBlocks * gates * ColPairs * 2 * lanes;
        if (widen) Weights16 = arena.Allocate<short>(count);
        else Weights8 = arena.Allocate<sbyte>(count);
        for (int u = 0; u < UnitBlocks; u++)
            for (int g = 0; g < gates; g++)
                for (int p = 0; p < ColPairs; p++)
                    for (int lane = 0; lane < lanes; lane++)
                        for (int k = 0; k < 2; k++)
                        {
                            int unit = u * lanes + lane, col = 2 * p + k;
                            if (unit >= hidden || col >= source.Cols) continue;
                            sbyte v = source.Values[(g * hidden + unit) * source.Cols + col];
                            int at = ((u * gates + g) * ColPairs + p) * 2 * lanes + 2 * lane + k;
                            if (widen) Weights16[at] = v;
                            else Weights8[at] = v;
                        }
        int rows = UnitBlocks * gates * lanes;
        int* m = arena.Allocate<int>(rows), roundHigh = arena.Allocate<int>(rows);
        int* roundLow = arena.Allocate<int>(rows), shift = arena.Allocate<int>(rows);
        for (int g = 0; g < gates; g++)
            for (int unit = 0; unit < hidden; unit++)
            {
                var c = RequantConstants.From(source.Requant[g * hidden + unit]);
                int at = RowOf(g, unit);
                (m[at], roundHigh[at], roundLow[at], shift[at]) = (c.Multiplier, c.RoundHigh, c.RoundLow, c.Shift);
            }
        Requant = new RequantRows(m, roundHigh, roundLow, shift);
    }

    public int Gates { get; }
    public int Lanes { get; }
    public int UnitBlocks { get; }
    public int ColPairs { get; }
    public bool Widened { get; }
    public sbyte* Weights8 { get; }
    public short* Weights16 { get; }

    /// <summary>Requantization constants in the interleaved row order (<see cref="RowOf"/>).</summary>
    public RequantRows Requant { get; }

    /// <summary>Where gate g of a unit sits in the interleaved row order.</summary>
    public int RowOf(int gate, int unit) => ((unit / Lanes) * Gates + gate) * Lanes + unit % Lanes;

    /// <summary>Per-row values (e.g. biases, gate-major like the source rows) copied into the interleaved order, padding zero.</summary>
    public int* Interleave(ReadOnlySpan<int> values, int hidden, PinnedArena arena)
    {
        int* p = arena.Allocate<int>(UnitBlocks * Gates * Lanes);
        for (int g = 0; g < Gates; g++)
            for (int unit = 0; unit < hidden; unit++) p[RowOf(g, unit)] = values[g * hidden + unit];
        return p;
    }
}
