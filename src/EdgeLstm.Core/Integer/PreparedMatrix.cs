namespace EdgeLstm.Core.Integer;

/// <summary>Pointers to the per-row requantization constants of a run of rows.</summary>
internal readonly unsafe struct RequantRows(int* m, int* roundHigh, int* roundLow, int* shift)
{
    public readonly int* M = m, RoundHigh = roundHigh, RoundLow = roundLow, Shift = shift;

    public RequantRows Skip(int rows) => new(M + rows, RoundHigh + rows, RoundLow + rows, Shift + rows);
}

/// <summary>
/// A quantized matrix in the layout one kernel family wants, with its requantization constants
/// derived once (TFLite Micro's "prepare"). Layout for block size B (B = 1: plain row-major):
/// rows in blocks of B, columns in pairs; block b, pair p holds the 2B bytes
/// [r0c0 r0c1 r1c0 r1c1 ... r(B-1)c0 r(B-1)c1] so that one widening load and one
/// multiply-add-adjacent give B row sums over two columns. Padding rows and columns are zero.
/// Weights stay int8 in memory and are sign-extended to int16 as they are loaded: holding them
/// widened was measured 2 to 6 % slower on M, L and G (the matrices stream from L2, where int8
/// halves the traffic) and 3 % faster only on S, at twice the memory. (Layers the fused step
/// covers use <see cref="GateInterleavedMatrix"/> instead, which widens only small layers.)
/// Memory comes from the session's <see cref="PinnedArena"/>.
/// </summary>
internal sealed unsafe class PreparedMatrix
{

    public PreparedMatrix(QuantizedMatrix source, int block, PinnedArena arena)
    {
        Rows = source.Rows;
        Cols = source.Cols;
        Block = block;
        ColPairs = (Cols + 1) / 2;
        Blocks = (Rows + block - 1) / block;
        RowsPadded = Blocks * block;
        if (block == 1)
        {
            Weights = arena.Allocate<sbyte>(Rows * Cols);
            source.Values.CopyTo(new Span<sbyte>(Weights, Rows * Cols));
        }
        else
        {
            Weights = arena.Allocate<sbyte>(Blocks * ColPairs * 2 * block);
            var layout = new Span<sbyte>(Weights, Blocks * ColPairs * 2 * block);
            for (int b = 0; b < Blocks; b++)
                for (int p = 0; p < ColPairs; p++)
                    for (int i = 0; i < block; i++)
                        for (int k = 0; k < 2; k++)
                        {
                            int row = b * block + i, col = 2 * p + k;
                            if (row < Rows && col < Cols)
                                layout[(b * ColPairs + p) * 2 * block + 2 * i + k] = source.Values[row * Cols + col];
                        }
        }
        int* m = arena.Allocate<int>(RowsPadded), roundHigh = arena.Allocate<int>(RowsPadded);
        int* roundLow = arena.Allocate<int>(RowsPadded), shift = arena.Allocate<int>(RowsPadded);
        for (int r = 0; r < Rows; r++)
        {
            var c = RequantConstants.From(source.Requant[r]);
            (m[r], roundHigh[r], roundLow[r], shift[r]) = (c.Multiplier, c.RoundHigh, c.RoundLow, c.Shift);
        }
        Requant = new RequantRows(m, roundHigh, roundLow, shift);
    }

    public int Rows { get; }
    public int Cols { get; }
    public int Block { get; }
    public int ColPairs { get; }
    public int Blocks { get; }
    public int RowsPadded { get; }
    /// <summary>int8 weights: row-major for block 1 (the scalar reference), else blocked and pair-interleaved.</summary>
    public sbyte* Weights { get; }
    public RequantRows Requant { get; }
}

