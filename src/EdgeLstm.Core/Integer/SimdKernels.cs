using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeLstm.Core.Integer;

/// <summary>
/// The vector kernels, written once over <see cref="ISimdOps{TV}"/> and specialized per width.
/// Each loop evaluates the formula of <see cref="Elementwise"/> in every lane and hands the
/// tail (fewer than Count elements) to the scalar reference kernel itself, so results are
/// bit-identical to <see cref="ScalarKernels"/> by construction and by test.
/// </summary>
internal sealed unsafe partial class SimdKernels<TOps, TV> : IntegerKernels
    where TOps : struct, ISimdOps<TV>
    where TV : struct
{
    // A constant once specialized: TOps.Count is a static abstract property returning a literal.
    private static int C => TOps.Count;

    /// <summary>The reference kernels, which compute the tails.</summary>
    private static readonly ScalarKernels Tail = new();

    private readonly bool _fuses;

    /// <summary>fuses: whether the layers <see cref="IntegerKernels.Fuses"/> covers run fused (a batched session runs them unfused, lane by lane after its products).</summary>
    public SimdKernels(bool fuses = true) => _fuses = fuses;

    public override string Name => TOps.Name;
    public override int RowBlock => TOps.Count;

    public override void MatVec(PreparedMatrix m, short* x, int* acc)
    {
        int pairs = m.ColPairs, stride = 2 * C, blockBytes = pairs * stride;
        int* xPairs = (int*)x;
        int b = 0;
        // Four row blocks at a time: one broadcast of the input pair feeds four independent accumulators.
        for (; b + 4 <= m.Blocks; b += 4)
        {
            sbyte* w0 = m.Weights + b * blockBytes, w1 = w0 + blockBytes, w2 = w1 + blockBytes, w3 = w2 + blockBytes;
            TV a0 = default, a1 = default, a2 = default, a3 = default;
            for (int p = 0; p < pairs; p++)
            {
                TV pair = TOps.Splat(xPairs[p]);
                int o = p * stride;
                a0 = TOps.MultiplyAddPairs(a0, w0 + o, pair);
                a1 = TOps.MultiplyAddPairs(a1, w1 + o, pair);
                a2 = TOps.MultiplyAddPairs(a2, w2 + o, pair);
                a3 = TOps.MultiplyAddPairs(a3, w3 + o, pair);
            }
            int* out0 = acc + b * C;
            TOps.Store(out0, a0);
            TOps.Store(out0 + C, a1);
            TOps.Store(out0 + 2 * C, a2);
            TOps.Store(out0 + 3 * C, a3);
        }
        // The last blocks one at a time (a classifier head of up to C classes is one block), two pairs a turn.
        for (; b < m.Blocks; b++)
        {
            PairSums1<sbyte, Held8>(m.Weights + b * blockBytes, xPairs, pairs, out TV a);
            TOps.Store(acc + b * C, a);
        }
    }

    /// <summary>The requantization rule in 32-bit lanes (<see cref="Requantizer.Apply32"/>): rounded half toward +infinity, exact, not saturated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Requant(TV acc, RequantRows rq, int r)
    {
        TV m = TOps.Load(rq.M + r);
        TV hi = TOps.ShiftRight(acc, 16);
        TV lo = TOps.And(acc, TOps.Splat(0xFFFF));
        TV low = TOps.ShiftRightLogical(TOps.Add(TOps.Mul(lo, m), TOps.Load(rq.RoundLow + r)), 16);
        TV t = TOps.Add(TOps.Add(TOps.Mul(hi, m), TOps.Load(rq.RoundHigh + r)), low);
        return TOps.ShiftRightVariable(t, TOps.Load(rq.Shift + r));
    }

    /// <summary>Saturation to [lo, hi] per lane (<see cref="Elementwise.Clamp"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Clamp(TV v, TV lo, TV hi) => TOps.Min(TOps.Max(v, lo), hi);

    /// <summary>Q15 product per lane, (a*b + 2^14) >> 15, rounded half toward +infinity, not saturated (<see cref="QFormats.MulQ15"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV MulQ15(TV a, TV b) => TOps.ShiftRight(TOps.Add(TOps.Mul(a, b), TOps.Splat(1 << 14)), 15);

    /// <summary>Table lookup with interpolation per lane (<see cref="Elementwise.Activate"/>): input in the int16 range, interpolation rounded half toward +infinity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Activate(int* table, TV x)
    {
        TV u = TOps.Add(x, TOps.Splat(32768));
        TV entry = TOps.Gather(table, TOps.ShiftRight(u, ActivationTable.StepBits));
        // value + ((step * frac + 32) >> 6) = (64 * value + step * frac + 32) >> 6, and the entry's
        // int16 halves are (value, step): one pair product with (64, frac) gives the numerator.
        TV weights = TOps.Add(TOps.ShiftLeft(TOps.And(u, TOps.Splat(63)), 16), TOps.Splat(1 << ActivationTable.StepBits));
        return TOps.ShiftRight(TOps.Add(TOps.DotPairs(entry, weights), TOps.Splat(32)), ActivationTable.StepBits);
    }

    public override void GatePre(int* accX, RequantRows rqX, int* accH, RequantRows rqH, int* bias, int lo, int hi, int* pre, int n)
    {
        TV vlo = TOps.Splat(lo), vhi = TOps.Splat(hi);
        int r = 0;
        for (; r + C <= n; r += C) TOps.Store(pre + r, Gate(accX, rqX, accH, rqH, bias, r, vlo, vhi));
        if (r < n) Tail.GatePre(accX + r, rqX.Skip(r), accH + r, rqH.Skip(r), bias + r, lo, hi, pre + r, n - r);
    }

    public override void GateActivate(int* accX, RequantRows rqX, int* accH, RequantRows rqH, int* bias, int lo, int hi, int* table, int* act, int n)
    {
        TV vlo = TOps.Splat(lo), vhi = TOps.Splat(hi);
        int r = 0;
        for (; r + C <= n; r += C) TOps.Store(act + r, Activate(table, Gate(accX, rqX, accH, rqH, bias, r, vlo, vhi)));
        if (r < n) Tail.GateActivate(accX + r, rqX.Skip(r), accH + r, rqH.Skip(r), bias + r, lo, hi, table, act + r, n - r);
    }

    public override void RequantAdd(int* acc, RequantRows rq, int* addend, int lo, int hi, int* output, int n)
    {
        TV vlo = TOps.Splat(lo), vhi = TOps.Splat(hi);
        int r = 0;
        for (; r + C <= n; r += C)
            TOps.Store(output + r, Clamp(TOps.Add(Requant(TOps.Load(acc + r), rq, r), TOps.Load(addend + r)), vlo, vhi));
        if (r < n) Tail.RequantAdd(acc + r, rq.Skip(r), addend + r, lo, hi, output + r, n - r);
    }

    public override void PeepholeAdd(int* pre, int* peep, int* cell, int m, int roundHigh, int roundLow, int shift, int lo, int hi, int n)
    {
        TV vlo = TOps.Splat(lo), vhi = TOps.Splat(hi);
        TV vm = TOps.Splat(m), vrh = TOps.Splat(roundHigh), vrl = TOps.Splat(roundLow);
        int k = 0;
        for (; k + C <= n; k += C)
        {
            TV acc = TOps.Mul(TOps.Load(peep + k), TOps.Load(cell + k));
            TV low = TOps.ShiftRightLogical(TOps.Add(TOps.Mul(TOps.And(acc, TOps.Splat(0xFFFF)), vm), vrl), 16);
            TV t = TOps.Add(TOps.Add(TOps.Mul(TOps.ShiftRight(acc, 16), vm), vrh), low);
            TOps.Store(pre + k, Clamp(TOps.Add(TOps.Load(pre + k), TOps.ShiftRight(t, shift)), vlo, vhi));
        }
        if (k < n) Tail.PeepholeAdd(pre + k, peep + k, cell + k, m, roundHigh, roundLow, shift, lo, hi, n - k);
    }

    public override void Activate(int* table, int* pre, int* output, int n)
    {
        int k = 0;
        for (; k + C <= n; k += C) TOps.Store(output + k, Activate(table, TOps.Load(pre + k)));
        if (k < n) Tail.Activate(table, pre + k, output + k, n - k);
    }

    /// <summary>The LSTM cell update constants for one layer's cell format.</summary>
    private readonly struct CellFormat
    {
        public readonly int Shift, Down;
        public readonly TV Round, RoundDown, One, Min16, Max16;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public CellFormat(int cellFracBits)
        {
            Shift = 30 - cellFracBits;
            Down = cellFracBits - 12;
            Round = TOps.Splat(1 << (Shift - 1));
            RoundDown = TOps.Splat(Down > 0 ? 1 << (Down - 1) : 0);
            One = TOps.Splat(32768);
            Min16 = TOps.Splat(short.MinValue);
            Max16 = TOps.Splat(short.MaxValue);
        }
    }

    /// <summary>c' = sat16(f*c + i*g) per lane (<see cref="Elementwise.LstmCell"/>); f = 1 - i when coupled.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV CellStep(in CellFormat fmt, TV vi, int* f, TV vg, TV c, bool coupled) =>
        CellStep(fmt, vi, coupled ? TOps.Sub(fmt.One, vi) : TOps.Load(f), vg, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV CellStep(in CellFormat fmt, TV vi, TV vf, TV vg, TV c)
    {
        TV ig = TOps.ShiftRight(TOps.Add(TOps.Mul(vi, vg), fmt.Round), fmt.Shift);
        return Clamp(TOps.Add(MulQ15(vf, c), ig), fmt.Min16, fmt.Max16);
    }

    /// <summary>h = o * tanh(c) per lane (<see cref="Elementwise.LstmHidden"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV HiddenStep(in CellFormat fmt, TV o, TV c, int* tanh)
    {
        TV q12 = fmt.Down >= 0
            ? TOps.ShiftRight(TOps.Add(c, fmt.RoundDown), fmt.Down)
            : Clamp(TOps.ShiftLeft(c, -fmt.Down), fmt.Min16, fmt.Max16);
        return MulQ15(o, Activate(tanh, q12));
    }

    public override void LstmCell(int* i, int* f, int* g, int* cell, bool coupled, int cellFracBits, int n)
    {
        var fmt = new CellFormat(cellFracBits);
        int k = 0;
        for (; k + C <= n; k += C)
            TOps.Store(cell + k, CellStep(fmt, TOps.Load(i + k), f + k, TOps.Load(g + k), TOps.Load(cell + k), coupled));
        if (k < n) Tail.LstmCell(i + k, f + k, g + k, cell + k, coupled, cellFracBits, n - k);
    }

    public override void DepthGatedCell(int* i, int* f, int* g, int* d, int* lower, int* cell, in DepthCellFormat m, int n)
    {
        TV forgetRound = TOps.Splat(m.ForgetRound), inputRound = TOps.Splat(m.InputRound), depthRound = TOps.Splat(m.DepthRound);
        TV round = TOps.Splat(m.Round), min16 = TOps.Splat(short.MinValue), max16 = TOps.Splat(short.MaxValue);
        int k = 0;
        for (; k + C <= n; k += C)
        {
            TV fc = TOps.ShiftRight(TOps.Add(TOps.Mul(TOps.Load(f + k), TOps.Load(cell + k)), forgetRound), m.ForgetShift);
            TV ig = TOps.ShiftRight(TOps.Add(TOps.Mul(TOps.Load(i + k), TOps.Load(g + k)), inputRound), m.InputShift);
            TV dl = TOps.ShiftRight(TOps.Add(TOps.Mul(TOps.Load(d + k), TOps.Load(lower + k)), depthRound), m.DepthShift);
            TOps.Store(cell + k, Clamp(TOps.ShiftRight(TOps.Add(TOps.Add(TOps.Add(fc, ig), dl), round), m.Extra), min16, max16));
        }
        if (k < n) Tail.DepthGatedCell(i + k, f + k, g + k, d + k, lower + k, cell + k, m, n - k);
    }

    /// <summary>LstmCell then LstmHidden, as the reference defines it (reached unfused: the batched session's lanes).</summary>
    public override void LstmUpdate(int* i, int* f, int* g, int* o, int* cell, bool coupled, int cellFracBits, int* tanh, short* h, int n)
    {
        LstmCell(i, f, g, cell, coupled, cellFracBits, n);
        LstmHidden(o, cell, cellFracBits, tanh, h, n);
    }

    public override void LstmHidden(int* o, int* cell, int cellFracBits, int* tanh, short* h, int n)
    {
        var fmt = new CellFormat(cellFracBits);
        int k = 0;
        for (; k + C <= n; k += C) TOps.StoreNarrowed(h + k, HiddenStep(fmt, TOps.Load(o + k), TOps.Load(cell + k), tanh));
        if (k < n) Tail.LstmHidden(o + k, cell + k, cellFracBits, tanh, h + k, n - k);
    }

    /// <summary>The scalar formula per lane (reached unfused: the batched session's lanes; the fused GRU step computes the same in its second pass).</summary>
    public override void GruCandidateAndHidden(int* accX, RequantRows rqX, int* bias, int* accH, RequantRows rqH, int* hBias,
        int* z, int* r, int lo, int hi, int* tanh, short* h, int n)
    {
        TV vlo = TOps.Splat(lo), vhi = TOps.Splat(hi), min16 = TOps.Splat(short.MinValue), max16 = TOps.Splat(short.MaxValue);
        TV wideLo = TOps.Splat(-QFormats.PreWideLimit), wideHi = TOps.Splat(QFormats.PreWideLimit);
        TV partLo = TOps.Splat(-65535), partHi = TOps.Splat(65535);
        int k = 0;
        for (; k + C <= n; k += C)
        {
            TV xPart = Clamp(TOps.Add(Requant(TOps.Load(accX + k), rqX, k), TOps.Load(bias + k)), wideLo, wideHi);
            TV hPart = Clamp(TOps.Add(Requant(TOps.Load(accH + k), rqH, k), TOps.Load(hBias + k)), partLo, partHi);
            TV candidate = Activate(tanh, Clamp(TOps.Add(xPart, MulQ15(TOps.Load(r + k), hPart)), vlo, vhi));
            TV diff = TOps.Sub(TOps.LoadWidened(h + k), candidate);
            TOps.StoreNarrowed(h + k, Clamp(TOps.Add(candidate, MulQ15(TOps.Load(z + k), diff)), min16, max16));
        }
        if (k < n) Tail.GruCandidateAndHidden(accX + k, rqX.Skip(k), bias + k, accH + k, rqH.Skip(k), hBias + k, z + k, r + k, lo, hi, tanh, h + k, n - k);
    }

    public override void GruResetHidden(int* r, short* h, short* output, int n)
    {
        int k = 0;
        for (; k + C <= n; k += C) TOps.StoreNarrowed(output + k, MulQ15(TOps.Load(r + k), TOps.LoadWidened(h + k)));
        if (k < n) Tail.GruResetHidden(r + k, h + k, output + k, n - k);
    }

    public override void GruHidden(int* z, int* candidate, short* h, int n)
    {
        TV min16 = TOps.Splat(short.MinValue), max16 = TOps.Splat(short.MaxValue);
        int k = 0;
        for (; k + C <= n; k += C)
        {
            TV cand = TOps.Load(candidate + k);
            TV diff = TOps.Sub(TOps.LoadWidened(h + k), cand);
            TOps.StoreNarrowed(h + k, Clamp(TOps.Add(cand, MulQ15(TOps.Load(z + k), diff)), min16, max16));
        }
        if (k < n) Tail.GruHidden(z + k, candidate + k, h + k, n - k);
    }

    public override void HiddenTanh(short* h, int* tanh, short* output, int n)
    {
        TV round = TOps.Splat(4);
        int k = 0;
        for (; k + C <= n; k += C) TOps.StoreNarrowed(output + k, Activate(tanh, TOps.ShiftRight(TOps.Add(TOps.LoadWidened(h + k), round), 3)));
        if (k < n) Tail.HiddenTanh(h + k, tanh, output + k, n - k);
    }

    public override void StoreHidden(int* act, short* h, int n)
    {
        int k = 0;
        for (; k + C <= n; k += C) TOps.StoreNarrowed(h + k, TOps.Load(act + k));
        if (k < n) Tail.StoreHidden(act + k, h + k, n - k);
    }

    public override void AttentionPool(short* states, int stride, int* alpha, int count, short* context, int n)
    {
        TV round = TOps.Splat(1 << 14), min16 = TOps.Splat(short.MinValue), max16 = TOps.Splat(short.MaxValue);
        int k = 0;
        for (; k + C <= n; k += C)
        {
            TV sum = default;
            for (int t = 0; t < count; t++)
                sum = TOps.Add(sum, TOps.Mul(TOps.Splat(alpha[t]), TOps.LoadWidened(states + t * stride + k)));
            TOps.StoreNarrowed(context + k, Clamp(TOps.ShiftRight(TOps.Add(sum, round), 15), min16, max16));
        }
        if (k < n) Tail.AttentionPool(states + k, stride, alpha, count, context + k, n - k);
    }

    /// <summary>
    /// Four inputs at a time in float lanes (Vector128 on every vector family: inputs are few):
    /// the same float operations as the scalar formula, MathF.Round's ties-to-even rounding, NaN
    /// lanes replaced by 0 after the fact (min/max and the conversion may do anything with them).
    /// A width that is not a multiple of 4 ends with the last four inputs again, overlapping the
    /// previous group (each lane's result depends on its own input only, so the overlap rewrites
    /// the same values); fewer than 4 inputs go to the scalar kernel.
    /// </summary>
    public override void QuantizeInput(float* sample, float* offset, float* multiplier, short* q, int n)
    {
        if (n < 4)
        {
            Tail.QuantizeInput(sample, offset, multiplier, q, n);
            return;
        }
        for (int j = 0; ; j += 4)
        {
            if (j > n - 4) j = n - 4;
            var v = (Vector128.Load(sample + j) - Vector128.Load(offset + j)) * Vector128.Load(multiplier + j);
            var clamped = Vector128.MinNative(Vector128.MaxNative(v, Vector128.Create(-32768f)), Vector128.Create(32767f));
            var rounded = Vector128.ConvertToInt32(Vector128.Round(clamped));
            rounded = Vector128.ConditionalSelect(Vector128.Equals(v, v).AsInt32(), rounded, Vector128<int>.Zero);
            *(long*)(q + j) = Vector128.Narrow(rounded, rounded).AsInt64().ToScalar();
            if (j == n - 4) return;
        }
    }
}
