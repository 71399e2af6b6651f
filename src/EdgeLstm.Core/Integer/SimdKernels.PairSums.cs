using System.Runtime.CompilerServices;

namespace EdgeLstm.Core.Integer;

/// <summary>
/// The matrix products of the fused steps (LSTM and GRU unit blocks, Clockwork module groups):
/// row sums of a few blocks of C rows at once over weights laid out pair-major, so that each
/// broadcast input pair feeds every block's accumulator from consecutive weights. The weight
/// width (int16 held, or int8 widened as loaded) is a type parameter.
/// </summary>
internal sealed unsafe partial class SimdKernels<TOps, TV>
{
    /// <summary>Weights held as int16 or int8, one pair product per lane.</summary>
    private interface IHeldWeights<TW> where TW : unmanaged
    {
        static abstract TV MultiplyAdd(TV acc, TW* w, TV pair);
    }

    private readonly struct Held16 : IHeldWeights<short>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV MultiplyAdd(TV acc, short* w, TV pair) => TOps.MultiplyAddPairs16(acc, w, pair);
    }

    private readonly struct Held8 : IHeldWeights<sbyte>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV MultiplyAdd(TV acc, sbyte* w, TV pair) => TOps.MultiplyAddPairs(acc, w, pair);
    }

    /// <summary>
    /// Row sums of a group of four blocks of C rows over pairs column pairs of v, four pairs a turn
    /// (the loop's own instructions are a fifth of a two-pair turn's), the weights pair-major (per
    /// pair the four blocks' 2C values one after the other); returns the weights after them. The
    /// accumulation order is the pairs' order, as in every kernel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TW* PairSums4<TW, TL>(TW* w, int* v, int pairs, out TV a0, out TV a1, out TV a2, out TV a3)
        where TW : unmanaged where TL : struct, IHeldWeights<TW>
    {
        a0 = default; a1 = default; a2 = default; a3 = default;
        int* end = v + pairs;
        for (; v + 4 <= end; v += 4, w += 32 * C)
        {
            TV p0 = TOps.Splat(v[0]), p1 = TOps.Splat(v[1]), p2 = TOps.Splat(v[2]), p3 = TOps.Splat(v[3]);
            a0 = TL.MultiplyAdd(a0, w, p0);
            a1 = TL.MultiplyAdd(a1, w + 2 * C, p0);
            a2 = TL.MultiplyAdd(a2, w + 4 * C, p0);
            a3 = TL.MultiplyAdd(a3, w + 6 * C, p0);
            a0 = TL.MultiplyAdd(a0, w + 8 * C, p1);
            a1 = TL.MultiplyAdd(a1, w + 10 * C, p1);
            a2 = TL.MultiplyAdd(a2, w + 12 * C, p1);
            a3 = TL.MultiplyAdd(a3, w + 14 * C, p1);
            a0 = TL.MultiplyAdd(a0, w + 16 * C, p2);
            a1 = TL.MultiplyAdd(a1, w + 18 * C, p2);
            a2 = TL.MultiplyAdd(a2, w + 20 * C, p2);
            a3 = TL.MultiplyAdd(a3, w + 22 * C, p2);
            a0 = TL.MultiplyAdd(a0, w + 24 * C, p3);
            a1 = TL.MultiplyAdd(a1, w + 26 * C, p3);
            a2 = TL.MultiplyAdd(a2, w + 28 * C, p3);
            a3 = TL.MultiplyAdd(a3, w + 30 * C, p3);
        }
        if (v + 2 <= end)
        {
            TV p0 = TOps.Splat(v[0]), p1 = TOps.Splat(v[1]);
            a0 = TL.MultiplyAdd(a0, w, p0);
            a1 = TL.MultiplyAdd(a1, w + 2 * C, p0);
            a2 = TL.MultiplyAdd(a2, w + 4 * C, p0);
            a3 = TL.MultiplyAdd(a3, w + 6 * C, p0);
            a0 = TL.MultiplyAdd(a0, w + 8 * C, p1);
            a1 = TL.MultiplyAdd(a1, w + 10 * C, p1);
            a2 = TL.MultiplyAdd(a2, w + 12 * C, p1);
            a3 = TL.MultiplyAdd(a3, w + 14 * C, p1);
            v += 2;
            w += 16 * C;
        }
        if (v < end)
        {
            TV p0 = TOps.Splat(v[0]);
            a0 = TL.MultiplyAdd(a0, w, p0);
            a1 = TL.MultiplyAdd(a1, w + 2 * C, p0);
            a2 = TL.MultiplyAdd(a2, w + 4 * C, p0);
            a3 = TL.MultiplyAdd(a3, w + 6 * C, p0);
            w += 8 * C;
        }
        return w;
    }

    /// <summary>The same for three blocks (a GRU unit block's gates), two pairs a turn.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TW* PairSums3<TW, TL>(TW* w, int* v, int pairs, out TV a0, out TV a1, out TV a2)
        where TW : unmanaged where TL : struct, IHeldWeights<TW>
    {
        a0 = default; a1 = default; a2 = default;
        int* end = v + pairs;
        for (; v + 2 <= end; v += 2, w += 12 * C)
        {
            TV p0 = TOps.Splat(v[0]), p1 = TOps.Splat(v[1]);
            a0 = TL.MultiplyAdd(a0, w, p0);
            a1 = TL.MultiplyAdd(a1, w + 2 * C, p0);
            a2 = TL.MultiplyAdd(a2, w + 4 * C, p0);
            a0 = TL.MultiplyAdd(a0, w + 6 * C, p1);
            a1 = TL.MultiplyAdd(a1, w + 8 * C, p1);
            a2 = TL.MultiplyAdd(a2, w + 10 * C, p1);
        }
        if (v < end)
        {
            TV p0 = TOps.Splat(v[0]);
            a0 = TL.MultiplyAdd(a0, w, p0);
            a1 = TL.MultiplyAdd(a1, w + 2 * C, p0);
            a2 = TL.MultiplyAdd(a2, w + 4 * C, p0);
            w += 6 * C;
        }
        return w;
    }

    /// <summary>The same for two blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TW* PairSums2<TW, TL>(TW* w, int* v, int pairs, out TV a0, out TV a1)
        where TW : unmanaged where TL : struct, IHeldWeights<TW>
    {
        a0 = default; a1 = default;
        int* end = v + pairs;
        for (; v + 2 <= end; v += 2, w += 8 * C)
        {
            TV p0 = TOps.Splat(v[0]), p1 = TOps.Splat(v[1]);
            a0 = TL.MultiplyAdd(a0, w, p0);
            a1 = TL.MultiplyAdd(a1, w + 2 * C, p0);
            a0 = TL.MultiplyAdd(a0, w + 4 * C, p1);
            a1 = TL.MultiplyAdd(a1, w + 6 * C, p1);
        }
        if (v < end)
        {
            TV p0 = TOps.Splat(v[0]);
            a0 = TL.MultiplyAdd(a0, w, p0);
            a1 = TL.MultiplyAdd(a1, w + 2 * C, p0);
            w += 4 * C;
        }
        return w;
    }

    /// <summary>The same for one block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TW* PairSums1<TW, TL>(TW* w, int* v, int pairs, out TV a0)
        where TW : unmanaged where TL : struct, IHeldWeights<TW>
    {
        TV b0 = default;
        a0 = default;
        int* end = v + pairs;
        // Two accumulators: one block alone has no other chain to overlap with.
        for (; v + 2 <= end; v += 2, w += 4 * C)
        {
            a0 = TL.MultiplyAdd(a0, w, TOps.Splat(v[0]));
            b0 = TL.MultiplyAdd(b0, w + 2 * C, TOps.Splat(v[1]));
        }
        if (v < end)
        {
            a0 = TL.MultiplyAdd(a0, w, TOps.Splat(v[0]));
            w += 2 * C;
        }
        a0 = TOps.Add(a0, b0);
        return w;
    }
}
