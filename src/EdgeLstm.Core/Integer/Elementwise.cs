namespace EdgeLstm.Core.Integer;

/// <summary>
/// The integer engine's per-element formulas, written plainly: the scalar kernels are loops over
/// these, and the vector kernels evaluate the same formulas lane by lane (their tails call these).
/// Rounding is half toward +infinity everywhere; every sum is proven not to overflow int32
/// (docs/numerics.md).
/// </summary>
internal static unsafe class Elementwise
{
    /// <summary>
    /// The requantization rule in 64-bit: floor((acc*M + 2^(n-1)) / 2^n), n = S + 16, 2^(n-1) = RH*2^16 + RL
    /// (<see cref="Requantizer"/>): rounded half toward +infinity, exact. Not saturated: with factors
    /// below 1/4 the result stays below 2^29 in magnitude, and the callers clamp the sums it enters.
    /// </summary>
    public static int Requant(int acc, int m, int rh, int rl, int s) =>
        (int)(((long)acc * m + ((long)rh << 16) + rl) >> (s + 16));

    /// <summary>
    /// The input boundary (see <see cref="Model.QuantizedNetwork"/>): the only float formula, outside
    /// the integer step. (x - offset) * multiplier in float32, saturated to [-32768, 32767] (±infinity
    /// too), rounded half to even (MathF.Round); NaN gives 0.
    /// </summary>
    public static short QuantizeInput(float x, float offset, float multiplier)
    {
        float v = (x - offset) * multiplier;
        return float.IsNaN(v) ? (short)0 : (short)MathF.Round(Math.Clamp(v, -32768f, 32767f));
    }

    /// <summary>Saturation to [lo, hi] (lo &lt;= hi); no rounding.</summary>
    public static int Clamp(int v, int lo, int hi) => v < lo ? lo : v > hi ? hi : v;

    /// <summary>
    /// Table lookup with linear interpolation (<see cref="ActivationTable"/>): value + ((step * frac + 32) >> 6),
    /// the interpolation rounded half toward +infinity. The input must already be saturated to the
    /// int16 range (it indexes the table); the result lies between two adjacent knots, which are
    /// int16 values, so it needs no saturation.
    /// </summary>
    public static int Activate(int* table, int x)
    {
        int u = x + 32768;
        int entry = table[u >> ActivationTable.StepBits];
        return (short)entry + (((entry >> 16) * (u & 63) + 32) >> ActivationTable.StepBits);
    }

    /// <summary>Product by a Q0.15 factor, rounded half toward +infinity, not saturated: <see cref="QFormats.MulQ15"/>.</summary>
    public static int MulQ15(int a, int b) => QFormats.MulQ15(a, b);

    /// <summary>
    /// Cell state (Q(15-n).n, n = cellFracBits) to the Q3.12 activation input. n &gt;= 12: a right shift by
    /// n - 12 rounded half toward +infinity (an int16 shifted down stays in the int16 range: no
    /// saturation). n &lt; 12: an exact left shift, saturated to the int16 range (tanh is saturated there anyway).
    /// </summary>
    public static int CellToQ12(int c, int cellFracBits) => cellFracBits >= 12
        ? (c + ((1 << (cellFracBits - 12)) >> 1)) >> (cellFracBits - 12)
        : QFormats.SaturateInt16(c << (12 - cellFracBits));

    /// <summary>
    /// c' = sat16(f*c [Q15 x Qc -> Qc] + i*g [Q15 x Q15 -> Qc]): each product rounded half toward
    /// +infinity on its own (f*c by <see cref="MulQ15"/>, i*g by a shift of 30 - n), the sum saturated
    /// to int16. Both products are at most 2^30 in magnitude (f, i in [0, 2^15], c, g int16), so
    /// nothing overflows int32.
    /// </summary>
    public static int LstmCell(int i, int f, int g, int c, int cellFracBits)
    {
        int shift = 30 - cellFracBits;
        return QFormats.SaturateInt16(MulQ15(f, c) + ((i * g + (1 << (shift - 1))) >> shift));
    }

    /// <summary>
    /// Depth-gated LSTM: c' = sat16(f*c + i*g + d*c_lower) with a single rounding to the cell's
    /// grid: each product is first rounded to <see cref="DepthCellFormat.Extra"/> bits below it
    /// (f*c: Q15 x Qn, i*g: Q30, d*c_lower: Q15 x Q(lower n)), the three summed, then rounded once.
    /// Every product is at most 2^30 in magnitude and the sum of the shifted ones below 2^30 (the depth
    /// term is shifted by at least 1, the others by at least 9), so nothing overflows int32.
    /// </summary>
    public static int DepthGatedCell(int i, int f, int g, int c, int d, int lower, in DepthCellFormat m) =>
        QFormats.SaturateInt16((((f * c + m.ForgetRound) >> m.ForgetShift) + ((i * g + m.InputRound) >> m.InputShift)
            + ((d * lower + m.DepthRound) >> m.DepthShift) + m.Round) >> m.Extra);

    /// <summary>
    /// h = o * tanh(c): <see cref="CellToQ12"/>, the tanh table, then <see cref="MulQ15"/> (rounded half
    /// toward +infinity). In the int16 range without saturation: o &lt;= 32767 (the sigmoid table's
    /// largest value) and |tanh| &lt;= 32768 give |h| &lt;= 32767; the stores saturate all the same.
    /// </summary>
    public static int LstmHidden(int o, int c, int cellFracBits, int* tanh) =>
        MulQ15(o, Activate(tanh, CellToQ12(c, cellFracBits)));

    /// <summary>
    /// The GRU candidate's pre-activation with linear_before_reset = 1: x part + r ⊙ (recurrent part
    /// saturated to ±65535, i.e. ±16.0 in Q3.12, so r * it fits int32), the product rounded half toward
    /// +infinity (<see cref="MulQ15"/>), the sum saturated to [lo, hi] (the clip, or the int16 range).
    /// </summary>
    public static int GruCandidatePre(int xPart, int r, int hPart, int lo, int hi) =>
        Clamp(xPart + MulQ15(r, Clamp(hPart, -65535, 65535)), lo, hi);

    /// <summary>
    /// tanh of a Q0.15 hidden value (MUT3 reads tanh(h)): h to Q3.12 as (h + 4) >> 3, rounded half
    /// toward +infinity (|h| &lt;= 32768 gives at most 4096 in magnitude: no saturation), then the
    /// tanh table (<see cref="Activate"/>); the result, Q0.15 within ±tanh(1) · 2^15 + 1, fits int16.
    /// </summary>
    public static int HiddenTanh(int h, int* tanh) => Activate(tanh, (h + 4) >> 3);

    /// <summary>The Q15 pooled value of one attention weighted sum: sat16((sum + 2^14) >> 15), rounded half toward +infinity, saturated to int16.</summary>
    public static int PoolRound(int sum) => QFormats.SaturateInt16((sum + (1 << 14)) >> 15);

    /// <summary>
    /// h' = (1 - z) * candidate + z * h, evaluated as candidate + z * (h - candidate): one product by
    /// <see cref="MulQ15"/> (|h - candidate| &lt;= 65535, rounded half toward +infinity), the sum
    /// saturated to int16.
    /// </summary>
    public static int GruHidden(int z, int candidate, int h) => QFormats.SaturateInt16(candidate + MulQ15(z, h - candidate));
}
