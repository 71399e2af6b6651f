using System.Runtime.CompilerServices;

namespace EdgeLstm.Core.Integer;

/// <summary>
/// The fused Clockwork RNN step: per due module, per group of blocks of C units, the input row
/// sums (requantized and biased at once, so one register per block waits), the recurrent row
/// sums, then the lane formulas of <see cref="GateActivate"/> (tanh) and the store; no
/// accumulator or activation buffers, one call per step, and only the due modules' rows are
/// touched. The blocks of a group share each broadcast of an input pair, and the weights are
/// read in order (<see cref="ClockworkFusedLayer"/>).
/// </summary>
internal sealed unsafe partial class SimdKernels<TOps, TV>
{
    public override void ClockworkStep(ClockworkFusedLayer f, ReadOnlySpan<int> modules, short* x, short* h)
    {
        if (f.Widened) ClockworkModules<short, Held16>(f, f.Weights16, modules, x, h);
        else ClockworkModules<sbyte, Held8>(f, f.Weights8, modules, x, h);
    }

    private static void ClockworkModules<TW, TL>(ClockworkFusedLayer f, TW* weights, ReadOnlySpan<int> modules, short* x, short* h)
        where TW : unmanaged where TL : struct, IHeldWeights<TW>
    {
        // Everything the loop needs in locals: the stores through h could alias f's fields otherwise.
        TV lo = TOps.Splat(f.Lo), hi = TOps.Splat(f.Hi);
        int* tanh = f.Tanh, table = f.Modules, constants = f.Constants, xPairs = (int*)x;
        int inputPairs = f.InputPairs, k = f.ModuleSize, record = f.RecordInts;
        int[] groups = f.Groups;
        bool inPlace = f.StoresInPlace;
        short* scratch = f.Scratch;
        foreach (int m in modules)
        {
            int* module = table + ClockworkFusedLayer.ModuleFields * m;
            int first = module[0], pairs = module[1];
            TW* w = weights + module[2];
            int* c = constants + module[3];
            int* hPairs = (int*)(h + first);
            short* output = inPlace ? h + first : scratch;
            foreach (int g in groups)
            {
                if (g == 4)
                {
                    w = ClockworkSums4<TW, TL>(w, xPairs, inputPairs, out TV a0, out TV a1, out TV a2, out TV a3);
                    TV in0 = ClockworkInput(a0, c), in1 = ClockworkInput(a1, c + record);
                    TV in2 = ClockworkInput(a2, c + 2 * record), in3 = ClockworkInput(a3, c + 3 * record);
                    w = ClockworkSums4<TW, TL>(w, hPairs, pairs, out a0, out a1, out a2, out a3);
                    TOps.StoreNarrowed(output, ClockworkUnit(in0, a0, c, lo, hi, tanh));
                    TOps.StoreNarrowed(output + C, ClockworkUnit(in1, a1, c + record, lo, hi, tanh));
                    TOps.StoreNarrowed(output + 2 * C, ClockworkUnit(in2, a2, c + 2 * record, lo, hi, tanh));
                    TOps.StoreNarrowed(output + 3 * C, ClockworkUnit(in3, a3, c + 3 * record, lo, hi, tanh));
                }
                else if (g == 2)
                {
                    w = ClockworkSums2<TW, TL>(w, xPairs, inputPairs, out TV a0, out TV a1);
                    TV in0 = ClockworkInput(a0, c), in1 = ClockworkInput(a1, c + record);
                    w = ClockworkSums2<TW, TL>(w, hPairs, pairs, out a0, out a1);
                    TOps.StoreNarrowed(output, ClockworkUnit(in0, a0, c, lo, hi, tanh));
                    TOps.StoreNarrowed(output + C, ClockworkUnit(in1, a1, c + record, lo, hi, tanh));
                }
                else
                {
                    w = ClockworkSums1<TW, TL>(w, xPairs, inputPairs, out TV a0);
                    TV in0 = ClockworkInput(a0, c);
                    w = ClockworkSums1<TW, TL>(w, hPairs, pairs, out a0);
                    TOps.StoreNarrowed(output, ClockworkUnit(in0, a0, c, lo, hi, tanh));
                }
                c += g * record;
                output += g * C;
            }
            // The module's later blocks read its previous state, so its new values land only now.
            if (!inPlace) new ReadOnlySpan<short>(scratch, k).CopyTo(new Span<short>(h + first, k));
        }
    }

    /// <summary>The requantized input sum plus the bias (the order of int32 sums cannot change them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ClockworkInput(TV accX, int* c) =>
        TOps.Add(Requant(accX, ClockworkRequant(c, (int)ClockworkFusedLayer.Field.InputM), 0), TOps.Load(c + (int)ClockworkFusedLayer.Field.Bias * C));

    /// <summary>tanh(clamp(input part + rqH(accH), lo, hi)), the formula of <see cref="GateActivate"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ClockworkUnit(TV input, TV accH, int* c, TV lo, TV hi, int* tanh) =>
        Activate(tanh, Clamp(TOps.Add(input, Requant(accH, ClockworkRequant(c, (int)ClockworkFusedLayer.Field.HiddenM), 0)), lo, hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static RequantRows ClockworkRequant(int* c, int field) =>
        new(c + field * C, c + (field + 1) * C, c + (field + 2) * C, c + (field + 3) * C);

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

    /// <summary>Row sums of a group of four blocks over pairs column pairs of v, two pairs a turn; returns the weights after them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TW* ClockworkSums4<TW, TL>(TW* w, int* v, int pairs, out TV a0, out TV a1, out TV a2, out TV a3)
        where TW : unmanaged where TL : struct, IHeldWeights<TW>
    {
        a0 = default; a1 = default; a2 = default; a3 = default;
        int* end = v + pairs;
        for (; v + 2 <= end; v += 2, w += 16 * C)
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TW* ClockworkSums2<TW, TL>(TW* w, int* v, int pairs, out TV a0, out TV a1)
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TW* ClockworkSums1<TW, TL>(TW* w, int* v, int pairs, out TV a0)
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
