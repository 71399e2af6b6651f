using EdgeLstm.Core.Numerics;

namespace EdgeLstm.Core.Integer;

/// <summary>
/// The integer engine's per-element formulas, written plainly: the scalar kernels are loops over
/// these, and the vector kernels evaluate the same formulas lane by lane (their tails call these).
/// Rounding is half toward +infinity everywhere; every sum is proven not to overflow int32
/// (docs/numerics.md).
/// </summary>
internal static unsafe class Elementwise
{
    /// <summary>The requantization rule in 64-bit: floor((acc*M + 2^(n-1)) / 2^n), n = S + 16, 2^(n-1) = RH*2^16 + RL.</summary>
    public static int Requant(int acc, int m, int rh, int rl, int s) =>
        (int)(((long)acc * m + ((long)rh << 16) + rl) >> (s + 16));

    /// <summary>The input boundary (see <see cref="Quantized.QuantizedNetwork"/>): the only float formula, outside the integer step.</summary>
    public static short QuantizeInput(float x, float offset, float multiplier)
    {
        float v = (x - offset) * multiplier;
        return float.IsNaN(v) ? (short)0 : (short)MathF.Round(Math.Clamp(v, -32768f, 32767f));
    }

    public static int Clamp(int v, int lo, int hi) => v < lo ? lo : v > hi ? hi : v;

    /// <summary>Table lookup with linear interpolation (<see cref="ActivationTable"/>), input in the int16 range.</summary>
    public static int Activate(int* table, int x)
    {
        int u = x + 32768;
        int entry = table[u >> ActivationTable.StepBits];
        return (short)entry + (((entry >> 16) * (u & 63) + 32) >> ActivationTable.StepBits);
    }

    public static int MulQ15(int a, int b) => (a * b + (1 << 14)) >> 15;

    /// <summary>Cell state (cellFracBits) to the Q3.12 activation input, rounding or saturating.</summary>
    public static int CellToQ12(int c, int cellFracBits) => cellFracBits >= 12
        ? (c + ((1 << (cellFracBits - 12)) >> 1)) >> (cellFracBits - 12)
        : QFormats.SaturateInt16(c << (12 - cellFracBits));

    /// <summary>c' = sat16(f*c [Q15 x Qc -> Qc] + i*g [Q15 x Q15 -> Qc]).</summary>
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

    public static int LstmHidden(int o, int c, int cellFracBits, int* tanh) =>
        MulQ15(o, Activate(tanh, CellToQ12(c, cellFracBits)));

    /// <summary>The GRU candidate's pre-activation with linear_before_reset = 1: x part + r ⊙ (recurrent part held to ±16.0).</summary>
    public static int GruCandidatePre(int xPart, int r, int hPart, int lo, int hi) =>
        Clamp(xPart + MulQ15(r, Clamp(hPart, -65535, 65535)), lo, hi);

    /// <summary>The Q15 pooled value of one attention weighted sum: sat16((sum + 2^14) >> 15).</summary>
    public static int PoolRound(int sum) => QFormats.SaturateInt16((sum + (1 << 14)) >> 15);

    /// <summary>h' = (1 - z) * candidate + z * h, evaluated as candidate + z * (h - candidate).</summary>
    public static int GruHidden(int z, int candidate, int h) => QFormats.SaturateInt16(candidate + MulQ15(z, h - candidate));
}
