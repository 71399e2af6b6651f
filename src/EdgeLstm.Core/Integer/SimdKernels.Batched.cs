using System.Runtime.CompilerServices;

namespace EdgeLstm.Core.Integer;

/// <summary>
/// The batched product (<see cref="IntegerKernels.MatMat"/>) over the <see cref="PreparedMatrix"/>
/// layout: two row blocks of C rows at a time, and for them the lanes four at a time. Each pair
/// of weight vectors is sign-extended once and multiplied with the broadcast input pair of four
/// lanes: eight accumulators, a weight load per four products instead of one per product as in
/// <see cref="MatVec"/>. The two blocks' weights (2 x ColPairs x 2C bytes) stay in L1 while every
/// lane passes over them, so the matrix streams from memory once per call. Each accumulator is
/// one lane's row sums over the pairs in order, the same int32 sums as MatVec's (exact).
/// </summary>
internal sealed unsafe partial class SimdKernels<TOps, TV>
{
    public override void MatMat(PreparedMatrix m, short** x, int** acc, int lanes)
    {
        int pairs = m.ColPairs, blockBytes = pairs * 2 * C;
        for (int b = 0; b < m.Blocks; b += 2)
        {
            sbyte* w0 = m.Weights + b * blockBytes;
            // An odd last block runs beside itself; only its first copy is stored.
            bool both = b + 1 < m.Blocks;
            sbyte* w1 = both ? w0 + blockBytes : w0;
            int offset = b * C, l = 0;
            for (; l + 4 <= lanes; l += 4)
                Lanes4(w0, w1, (int*)x[l], (int*)x[l + 1], (int*)x[l + 2], (int*)x[l + 3], pairs, acc + l, offset, both);
            for (; l < lanes; l++)
                Lane1(w0, w1, (int*)x[l], pairs, acc[l] + offset, both);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lanes4(sbyte* w0, sbyte* w1, int* x0, int* x1, int* x2, int* x3, int pairs, int** acc, int offset, bool both)
    {
        TV a00 = default, a01 = default, a02 = default, a03 = default;
        TV a10 = default, a11 = default, a12 = default, a13 = default;
        for (int p = 0; p < pairs; p++, w0 += 2 * C, w1 += 2 * C)
        {
            TV v0 = TOps.LoadWeightPairs(w0), v1 = TOps.LoadWeightPairs(w1);
            TV s = TOps.Splat(x0[p]);
            a00 = TOps.Add(a00, TOps.DotPairs(s, v0));
            a10 = TOps.Add(a10, TOps.DotPairs(s, v1));
            s = TOps.Splat(x1[p]);
            a01 = TOps.Add(a01, TOps.DotPairs(s, v0));
            a11 = TOps.Add(a11, TOps.DotPairs(s, v1));
            s = TOps.Splat(x2[p]);
            a02 = TOps.Add(a02, TOps.DotPairs(s, v0));
            a12 = TOps.Add(a12, TOps.DotPairs(s, v1));
            s = TOps.Splat(x3[p]);
            a03 = TOps.Add(a03, TOps.DotPairs(s, v0));
            a13 = TOps.Add(a13, TOps.DotPairs(s, v1));
        }
        Store2(acc[0] + offset, a00, a10, both);
        Store2(acc[1] + offset, a01, a11, both);
        Store2(acc[2] + offset, a02, a12, both);
        Store2(acc[3] + offset, a03, a13, both);
    }

    /// <summary>One lane over the two blocks, two pairs a turn in separate accumulators (four chains to overlap).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lane1(sbyte* w0, sbyte* w1, int* x, int pairs, int* acc, bool both)
    {
        TV a0 = default, a1 = default, b0 = default, b1 = default;
        int p = 0;
        for (; p + 2 <= pairs; p += 2, w0 += 4 * C, w1 += 4 * C)
        {
            TV s = TOps.Splat(x[p]), t = TOps.Splat(x[p + 1]);
            a0 = TOps.Add(a0, TOps.DotPairs(s, TOps.LoadWeightPairs(w0)));
            a1 = TOps.Add(a1, TOps.DotPairs(s, TOps.LoadWeightPairs(w1)));
            b0 = TOps.Add(b0, TOps.DotPairs(t, TOps.LoadWeightPairs(w0 + 2 * C)));
            b1 = TOps.Add(b1, TOps.DotPairs(t, TOps.LoadWeightPairs(w1 + 2 * C)));
        }
        if (p < pairs)
        {
            TV s = TOps.Splat(x[p]);
            a0 = TOps.Add(a0, TOps.DotPairs(s, TOps.LoadWeightPairs(w0)));
            a1 = TOps.Add(a1, TOps.DotPairs(s, TOps.LoadWeightPairs(w1)));
        }
        Store2(acc, TOps.Add(a0, b0), TOps.Add(a1, b1), both);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(int* acc, TV first, TV second, bool both)
    {
        TOps.Store(acc, first);
        if (both) TOps.Store(acc + C, second);
    }

    /// <summary>
    /// The LSTM update of one lane (<see cref="IntegerKernels.LstmGatesUpdate"/>) C units at a time,
    /// in two passes as the fused step (<see cref="LstmFused"/>): first every block's four gate
    /// pre-activations (the requantizations) into pre, then every block's activations and state
    /// update. The second pass's table lookups (five gathers a block, the update's bottleneck) then
    /// do not wait behind the requantization of the block after them, and several blocks' lookups
    /// are in flight at once. The formulas are GateActivate's and the fused step's second pass;
    /// the last units (fewer than C) by the scalar reference.
    /// </summary>
    public override void LstmGatesUpdate(int* accX, RequantRows rqX, int* accH, RequantRows rqH, int* bias, int lo, int hi, int* sigmoid, int* tanh,
        int* cell, bool coupled, int cellFracBits, short* h, int hs, int n, int* pre)
    {
        TV vlo = TOps.Splat(lo), vhi = TOps.Splat(hi);
        int full = n / C * C;
        int* p = pre;
        for (int k = 0; k < full; k += C, p += 4 * C)
        {
            TOps.Store(p, Gate(accX, rqX, accH, rqH, bias, k, vlo, vhi));
            TOps.Store(p + C, Gate(accX, rqX, accH, rqH, bias, hs + k, vlo, vhi));
            if (!coupled) TOps.Store(p + 2 * C, Gate(accX, rqX, accH, rqH, bias, 2 * hs + k, vlo, vhi));
            TOps.Store(p + 3 * C, Gate(accX, rqX, accH, rqH, bias, 3 * hs + k, vlo, vhi));
        }
        var fmt = new CellFormat(cellFracBits);
        p = pre;
        for (int k = 0; k < full; k += C, p += 4 * C)
        {
            TV i = Activate(sigmoid, TOps.Load(p));
            TV o = Activate(sigmoid, TOps.Load(p + C));
            TV forget = coupled ? TOps.Sub(fmt.One, i) : Activate(sigmoid, TOps.Load(p + 2 * C));
            TV g = Activate(tanh, TOps.Load(p + 3 * C));
            TV c = CellStep(fmt, i, forget, g, TOps.Load(cell + k));
            TOps.Store(cell + k, c);
            TOps.StoreNarrowed(h + k, HiddenStep(fmt, o, c, tanh));
        }
        if (full < n)
            Tail.LstmGatesUpdate(accX + full, rqX.Skip(full), accH + full, rqH.Skip(full), bias + full, lo, hi, sigmoid, tanh, cell + full, coupled, cellFracBits, h + full, hs, n - full, pre);
    }

    /// <summary>clamp(rqX(accX[r]) + rqH(accH[r]) + bias[r], lo, hi) for C rows from r (<see cref="GateActivate"/>'s sum).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Gate(int* accX, RequantRows rqX, int* accH, RequantRows rqH, int* bias, int r, TV lo, TV hi) =>
        Clamp(TOps.Add(TOps.Add(Requant(TOps.Load(accX + r), rqX, r), Requant(TOps.Load(accH + r), rqH, r)), TOps.Load(bias + r)), lo, hi);
}
