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
                    w = PairSums4<TW, TL>(w, xPairs, inputPairs, out TV a0, out TV a1, out TV a2, out TV a3);
                    TV in0 = ClockworkInput(a0, c), in1 = ClockworkInput(a1, c + record);
                    TV in2 = ClockworkInput(a2, c + 2 * record), in3 = ClockworkInput(a3, c + 3 * record);
                    w = PairSums4<TW, TL>(w, hPairs, pairs, out a0, out a1, out a2, out a3);
                    TOps.StoreNarrowed(output, ClockworkUnit(in0, a0, c, lo, hi, tanh));
                    TOps.StoreNarrowed(output + C, ClockworkUnit(in1, a1, c + record, lo, hi, tanh));
                    TOps.StoreNarrowed(output + 2 * C, ClockworkUnit(in2, a2, c + 2 * record, lo, hi, tanh));
                    TOps.StoreNarrowed(output + 3 * C, ClockworkUnit(in3, a3, c + 3 * record, lo, hi, tanh));
                }
                else if (g == 2)
                {
                    w = PairSums2<TW, TL>(w, xPairs, inputPairs, out TV a0, out TV a1);
                    TV in0 = ClockworkInput(a0, c), in1 = ClockworkInput(a1, c + record);
                    w = PairSums2<TW, TL>(w, hPairs, pairs, out a0, out a1);
                    TOps.StoreNarrowed(output, ClockworkUnit(in0, a0, c, lo, hi, tanh));
                    TOps.StoreNarrowed(output + C, ClockworkUnit(in1, a1, c + record, lo, hi, tanh));
                }
                else
                {
                    w = PairSums1<TW, TL>(w, xPairs, inputPairs, out TV a0);
                    TV in0 = ClockworkInput(a0, c);
                    w = PairSums1<TW, TL>(w, hPairs, pairs, out a0);
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
}
