using System.Runtime.CompilerServices;

namespace EdgeLstm.Core.Integer;

/// <summary>
/// The fused Clockwork RNN step: per due module, per block of C units, the input and recurrent
/// row sums, then the lane formulas of <see cref="GateActivate"/> (tanh) and the store, with no
/// accumulator or activation buffers in memory and one call per step. Four blocks of a module
/// share each broadcast of an input pair, as <see cref="MatVec"/> does. Only the due modules'
/// rows are touched.
/// </summary>
internal sealed unsafe partial class SimdKernels<TOps, TV>
{
    public override void ClockworkStep(ClockworkFusedLayer f, ReadOnlySpan<int> modules, short* x, short* h)
    {
        TV lo = TOps.Splat(f.Lo), hi = TOps.Splat(f.Hi);
        int blocks = f.BlocksPerModule, k = f.ModuleSize, inputPairs = f.InputPairs, recurrentStart = inputPairs * 2 * C;
        int* xPairs = (int*)x;
        foreach (int m in modules)
        {
            int first = m * k, length = f.BlockLength[m], pairs = f.RecurrentPairs[m];
            int* hPairs = (int*)(h + first);
            short* output = f.StoresInPlace ? h + first : f.Scratch;
            int row = m * blocks * C;
            long at = f.WeightOffset[m];
            int b = 0;
            for (; b + 4 <= blocks; b += 4, row += 4 * C, at += 4 * length, output += 4 * C)
            {
                TV x0, x1, x2, x3, h0, h1, h2, h3;
                if (f.Widened)
                {
                    ClockworkSums4(f.Weights16 + at, length, xPairs, inputPairs, out x0, out x1, out x2, out x3);
                    ClockworkSums4(f.Weights16 + at + recurrentStart, length, hPairs, pairs, out h0, out h1, out h2, out h3);
                }
                else
                {
                    ClockworkSums4(f.Weights8 + at, length, xPairs, inputPairs, out x0, out x1, out x2, out x3);
                    ClockworkSums4(f.Weights8 + at + recurrentStart, length, hPairs, pairs, out h0, out h1, out h2, out h3);
                }
                TOps.StoreNarrowed(output, ClockworkUnit(f, x0, h0, row, lo, hi));
                TOps.StoreNarrowed(output + C, ClockworkUnit(f, x1, h1, row + C, lo, hi));
                TOps.StoreNarrowed(output + 2 * C, ClockworkUnit(f, x2, h2, row + 2 * C, lo, hi));
                TOps.StoreNarrowed(output + 3 * C, ClockworkUnit(f, x3, h3, row + 3 * C, lo, hi));
            }
            for (; b < blocks; b++, row += C, at += length, output += C)
            {
                TV ax = f.Widened ? ClockworkSums1(f.Weights16 + at, xPairs, inputPairs) : ClockworkSums1(f.Weights8 + at, xPairs, inputPairs);
                TV ah = f.Widened ? ClockworkSums1(f.Weights16 + at + recurrentStart, hPairs, pairs) : ClockworkSums1(f.Weights8 + at + recurrentStart, hPairs, pairs);
                TOps.StoreNarrowed(output, ClockworkUnit(f, ax, ah, row, lo, hi));
            }
            // The module's later blocks read its previous state, so its new values land only now.
            if (!f.StoresInPlace) new ReadOnlySpan<short>(f.Scratch, k).CopyTo(new Span<short>(h + first, k));
        }
    }

    /// <summary>tanh(clamp(rqX(accX) + rqH(accH) + bias, lo, hi)) for the C rows from padded row r, as <see cref="GateActivate"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ClockworkUnit(ClockworkFusedLayer f, TV accX, TV accH, int r, TV lo, TV hi) =>
        Activate(f.Tanh, Clamp(TOps.Add(TOps.Add(Requant(accX, f.InputRequant, r), Requant(accH, f.RecurrentRequant, r)), TOps.Load(f.Bias + r)), lo, hi));

    /// <summary>Row sums of four blocks (length elements apart) over pairs column pairs of v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ClockworkSums4(short* w0, int length, int* v, int pairs, out TV a0, out TV a1, out TV a2, out TV a3)
    {
        short* w1 = w0 + length, w2 = w1 + length, w3 = w2 + length;
        a0 = default; a1 = default; a2 = default; a3 = default;
        for (int p = 0, o = 0; p < pairs; p++, o += 2 * C)
        {
            TV pair = TOps.Splat(v[p]);
            a0 = TOps.MultiplyAddPairs16(a0, w0 + o, pair);
            a1 = TOps.MultiplyAddPairs16(a1, w1 + o, pair);
            a2 = TOps.MultiplyAddPairs16(a2, w2 + o, pair);
            a3 = TOps.MultiplyAddPairs16(a3, w3 + o, pair);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ClockworkSums4(sbyte* w0, int length, int* v, int pairs, out TV a0, out TV a1, out TV a2, out TV a3)
    {
        sbyte* w1 = w0 + length, w2 = w1 + length, w3 = w2 + length;
        a0 = default; a1 = default; a2 = default; a3 = default;
        for (int p = 0, o = 0; p < pairs; p++, o += 2 * C)
        {
            TV pair = TOps.Splat(v[p]);
            a0 = TOps.MultiplyAddPairs(a0, w0 + o, pair);
            a1 = TOps.MultiplyAddPairs(a1, w1 + o, pair);
            a2 = TOps.MultiplyAddPairs(a2, w2 + o, pair);
            a3 = TOps.MultiplyAddPairs(a3, w3 + o, pair);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ClockworkSums1(short* w, int* v, int pairs)
    {
        TV a = default;
        for (int p = 0, o = 0; p < pairs; p++, o += 2 * C) a = TOps.MultiplyAddPairs16(a, w + o, TOps.Splat(v[p]));
        return a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ClockworkSums1(sbyte* w, int* v, int pairs)
    {
        TV a = default;
        for (int p = 0, o = 0; p < pairs; p++, o += 2 * C) a = TOps.MultiplyAddPairs(a, w + o, TOps.Splat(v[p]));
        return a;
    }
}
