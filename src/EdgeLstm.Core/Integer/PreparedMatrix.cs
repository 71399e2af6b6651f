using System.Runtime.InteropServices;
using EdgeLstm.Core.Numerics;
using EdgeLstm.Core.Quantized;

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
/// The vector layout holds the int8 weights sign-extended to int16: a widening load costs a
/// shuffle-port uop per 16 weights and caps the multiply-add rate at half of what the
/// multipliers sustain (measured on Zen 3), so the model file stays int8 and memory pays 2x.
/// Memory is pinned for the life of the process (sessions are long-lived).
/// </summary>
internal sealed unsafe class PreparedMatrix
{
    private readonly sbyte[] _weights;
    private readonly short[] _wideWeights;
    private readonly int[] _m, _roundHigh, _roundLow, _shift; // owners of the aligned buffers below

    public PreparedMatrix(QuantizedMatrix source, int block)
    {
        Rows = source.Rows;
        Cols = source.Cols;
        Block = block;
        ColPairs = (Cols + 1) / 2;
        Blocks = (Rows + block - 1) / block;
        RowsPadded = Blocks * block;
        _weights = GC.AllocateArray<sbyte>(Math.Max(1, block == 1 ? Rows * Cols : 0), pinned: true);
        short* wide = Pinned.Aligned(Math.Max(1, block == 1 ? 0 : Blocks * ColPairs * 2 * block), out _wideWeights);
        var layout = new Span<short>(wide, Math.Max(1, block == 1 ? 0 : Blocks * ColPairs * 2 * block));
        if (block == 1)
        {
            source.Values.CopyTo(_weights, 0);
        }
        else
        {
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
        int* m = Pinned.Ints(RowsPadded, out _m), roundHigh = Pinned.Ints(RowsPadded, out _roundHigh);
        int* roundLow = Pinned.Ints(RowsPadded, out _roundLow), shift = Pinned.Ints(RowsPadded, out _shift);
        for (int r = 0; r < Rows; r++)
        {
            var c = RequantConstants.From(source.Requant[r]);
            (m[r], roundHigh[r], roundLow[r], shift[r]) = (c.Multiplier, c.RoundHigh, c.RoundLow, c.Shift);
        }
        Weights = (sbyte*)Marshal.UnsafeAddrOfPinnedArrayElement(_weights, 0);
        WideWeights = wide;
        Requant = new RequantRows(m, roundHigh, roundLow, shift);
    }

    public int Rows { get; }
    public int Cols { get; }
    public int Block { get; }
    public int ColPairs { get; }
    public int Blocks { get; }
    public int RowsPadded { get; }
    /// <summary>Row-major int8 weights (block 1, the scalar reference).</summary>
    public sbyte* Weights { get; }

    /// <summary>Blocked, pair-interleaved weights widened to int16 (vector kernels).</summary>
    public short* WideWeights { get; }
    public RequantRows Requant { get; }
}

/// <summary>
/// Pinned buffers for sessions: allocated once, never moved, zeroed, and starting on a 64-byte
/// boundary so that no vector load or store splits a cache line (a split access costs extra and
/// made run-to-run timings bimodal).
/// </summary>
internal static unsafe class Pinned
{
    private const int Alignment = 64;

    public static int* Ints(int count, out int[] owner) => Aligned(Math.Max(1, count), out owner);

    /// <summary>An even number of int16 (rounded up): kernels read inputs as int32 pairs.</summary>
    public static short* Shorts(int count, out short[] owner) => Aligned(Math.Max(2, count + (count & 1)), out owner);

    public static T* Aligned<T>(int count, out T[] owner) where T : unmanaged
    {
        owner = GC.AllocateArray<T>(count + Alignment / sizeof(T), pinned: true);
        byte* p = (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(owner, 0);
        return (T*)(p + ((Alignment - ((nuint)p & (Alignment - 1))) & (Alignment - 1)));
    }
}
