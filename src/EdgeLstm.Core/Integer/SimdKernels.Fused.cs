using System.Runtime.CompilerServices;

namespace EdgeLstm.Core.Integer;

/// <summary>
/// The fused LSTM and GRU steps (<see cref="FusedLayer"/>): the formulas of the unfused kernels
/// in a different order of work, so bit-identical to them and to the scalar reference. Each step
/// is two passes over the unit blocks: first every block's products and pre-activations, then
/// every block's activations and state update. The table lookups of the second pass then do not
/// wait behind the next block's products and overlap each other (a gather has a long latency).
/// Pointers advance block by block and the layouts' strides are constants of the width, so the
/// per-block work is the vector work and little else.
/// </summary>
internal sealed unsafe partial class SimdKernels<TOps, TV>
{
    /// <summary>Ints between one gate's constants and the next gate's (<see cref="FusedLayer.Constants"/>).</summary>
    private static int GateInts => FusedLayer.Fields * C;

    public override bool Fuses => _fuses;

    public override void LstmFused(FusedLayer f, short* x, short* hOld, short* hNew, int* cell)
    {
        if (f.W.Widened) LstmPreActivations<short, Held16>(f, f.W.Weights16, f.R.Weights16, (int*)x, (int*)hOld);
        else LstmPreActivations<sbyte, Held8>(f, f.W.Weights8, f.R.Weights8, (int*)x, (int*)hOld);

        var fmt = new CellFormat(f.CellFracBits);
        int* sigmoid = f.Sigmoid, tanh = f.Tanh;
        bool coupled = f.Coupled;
        int* p = f.PreActivations, end = p + f.UnitBlocks * 4 * C;
        for (; p < end; p += 4 * C, cell += C, hNew += C)
        {
            TV i = Activate(sigmoid, TOps.Load(p));
            TV o = Activate(sigmoid, TOps.Load(p + C));
            TV forget = coupled ? TOps.Sub(fmt.One, i) : Activate(sigmoid, TOps.Load(p + 2 * C));
            TV g = Activate(tanh, TOps.Load(p + 3 * C));
            TV c = CellStep(fmt, i, forget, g, TOps.Load(cell));
            TOps.Store(cell, c);
            TOps.StoreNarrowed(hNew, HiddenStep(fmt, o, c, tanh));
        }
    }

    /// <summary>The LSTM's first pass: per unit block the four gates' pre-activations (i, o, f, g) into <see cref="FusedLayer.PreActivations"/>.</summary>
    private static void LstmPreActivations<TW, TL>(FusedLayer f, TW* w, TW* r, int* x, int* h)
        where TW : unmanaged where TL : struct, IHeldWeights<TW>
    {
        TV lo = TOps.Splat(f.Lo), hi = TOps.Splat(f.Hi);
        int xPairs = f.W.ColPairs, hPairs = f.R.ColPairs;
        int* k = f.Constants, p = f.PreActivations, end = p + f.UnitBlocks * 4 * C;
        for (; p < end; p += 4 * C, k += 4 * GateInts)
        {
            w = PairSums4<TW, TL>(w, x, xPairs, out TV xi, out TV xo, out TV xf, out TV xg);
            xi = InputPart(xi, k);
            xo = InputPart(xo, k + GateInts);
            xf = InputPart(xf, k + 2 * GateInts);
            xg = InputPart(xg, k + 3 * GateInts);
            r = PairSums4<TW, TL>(r, h, hPairs, out TV hi0, out TV ho, out TV hf, out TV hg);
            TOps.Store(p, GatePre(xi, hi0, k, lo, hi));
            TOps.Store(p + C, GatePre(xo, ho, k + GateInts, lo, hi));
            TOps.Store(p + 2 * C, GatePre(xf, hf, k + 2 * GateInts, lo, hi));
            TOps.Store(p + 3 * C, GatePre(xg, hg, k + 3 * GateInts, lo, hi));
        }
    }

    public override void GruFused(FusedLayer f, short* x, short* hOld, short* hNew)
    {
        if (f.W.Widened) GruPreActivations<short, Held16>(f, f.W.Weights16, f.R.Weights16, (int*)x, (int*)hOld);
        else GruPreActivations<sbyte, Held8>(f, f.W.Weights8, f.R.Weights8, (int*)x, (int*)hOld);

        TV lo = TOps.Splat(f.Lo), hi = TOps.Splat(f.Hi);
        TV min16 = TOps.Splat(short.MinValue), max16 = TOps.Splat(short.MaxValue);
        int* sigmoid = f.Sigmoid, tanh = f.Tanh;
        int* p = f.PreActivations, end = p + f.UnitBlocks * 4 * C;
        for (; p < end; p += 4 * C, hOld += C, hNew += C)
        {
            TV z = Activate(sigmoid, TOps.Load(p));
            TV reset = Activate(sigmoid, TOps.Load(p + C));
            TV candidate = Activate(tanh, Clamp(TOps.Add(TOps.Load(p + 2 * C), MulQ15(reset, TOps.Load(p + 3 * C))), lo, hi));
            TV diff = TOps.Sub(TOps.LoadWidened(hOld), candidate);
            TOps.StoreNarrowed(hNew, Clamp(TOps.Add(candidate, MulQ15(z, diff)), min16, max16));
        }
    }

    /// <summary>
    /// The GRU's first pass: per unit block z's and r's pre-activations, the candidate's input part
    /// (clamped wide) and its recurrent part with its own bias (clamped to +-65535), which the
    /// second pass combines once r is known.
    /// </summary>
    private static void GruPreActivations<TW, TL>(FusedLayer f, TW* w, TW* r, int* x, int* h)
        where TW : unmanaged where TL : struct, IHeldWeights<TW>
    {
        TV lo = TOps.Splat(f.Lo), hi = TOps.Splat(f.Hi);
        TV wideLo = TOps.Splat(-QFormats.PreWideLimit), wideHi = TOps.Splat(QFormats.PreWideLimit);
        TV partLo = TOps.Splat(-65535), partHi = TOps.Splat(65535);
        int xPairs = f.W.ColPairs, hPairs = f.R.ColPairs;
        int* k = f.Constants, p = f.PreActivations, end = p + f.UnitBlocks * 4 * C;
        for (; p < end; p += 4 * C, k += 3 * GateInts)
        {
            int* kc = k + 2 * GateInts;
            w = PairSums3<TW, TL>(w, x, xPairs, out TV xz, out TV xr, out TV xh);
            xz = InputPart(xz, k);
            xr = InputPart(xr, k + GateInts);
            TV xPart = Clamp(InputPart(xh, kc), wideLo, wideHi);
            r = PairSums3<TW, TL>(r, h, hPairs, out TV hz, out TV hr, out TV hh);
            TOps.Store(p, GatePre(xz, hz, k, lo, hi));
            TOps.Store(p + C, GatePre(xr, hr, k + GateInts, lo, hi));
            TOps.Store(p + 2 * C, xPart);
            TOps.Store(p + 3 * C, Clamp(TOps.Add(Requant(hh, kc + FusedLayer.HRequant * C), TOps.Load(kc + FusedLayer.HiddenBiasField * C)), partLo, partHi));
        }
    }

    /// <summary>
    /// The requantization rule (<see cref="Requantizer.Apply32"/>) with one gate's constants at k
    /// (<see cref="FusedLayer"/>: multiplier, round high, round low, shift, C ints apart).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Requant(TV acc, int* k)
    {
        TV m = TOps.Load(k);
        TV low = TOps.ShiftRightLogical(TOps.Add(TOps.Mul(TOps.And(acc, TOps.Splat(0xFFFF)), m), TOps.Load(k + 2 * C)), 16);
        TV t = TOps.Add(TOps.Add(TOps.Mul(TOps.ShiftRight(acc, 16), m), TOps.Load(k + C)), low);
        return TOps.ShiftRightVariable(t, TOps.Load(k + 3 * C));
    }

    /// <summary>
    /// A gate's input part, requantized and biased; it waits in a register while the recurrent
    /// products run. Adding the bias before the recurrent part instead of after it cannot change
    /// the sum (int32 addition wraps, so it is associative).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV InputPart(TV accX, int* k) =>
        TOps.Add(Requant(accX, k + FusedLayer.XRequant * C), TOps.Load(k + FusedLayer.BiasField * C));

    /// <summary>The gate's pre-activation, clamp(input part + requantized recurrent product, lo, hi) (<see cref="GateActivate"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV GatePre(TV inputPart, TV accH, int* k, TV lo, TV hi) =>
        Clamp(TOps.Add(inputPart, Requant(accH, k + FusedLayer.HRequant * C)), lo, hi);
}
