namespace EdgeLstm.Core.Numerics;

/// <summary>
/// The fixed-point formats of the integer engine (docs/numerics.md). Q-notation Qm.n: a value v
/// is stored as round(v * 2^n).
/// </summary>
public static class QFormats
{
    /// <summary>Hidden state, gate outputs: Q0.15 in int16, one = 32768 (held in int32 where 1.0 must be exact).</summary>
    public const int HiddenFracBits = 15;
    public const int One15 = 1 << 15;

    /// <summary>Gate pre-activations: Q3.12, int32 while summing, saturated to int16 range before the activation.</summary>
    public const int PreFracBits = 12;

    /// <summary>Logits of the dense head: Q.12 in int32, not saturated to int16.</summary>
    public const int LogitFracBits = 12;

    /// <summary>Largest fan-in (columns of one matrix) for which an int32 accumulator of int8 x int16 products cannot overflow: 512 * 127 * 32768 &lt; 2^31.</summary>
    public const int MaxFanIn = 512;

    /// <summary>Cell state fractional bits are chosen by calibration within this range (cell range 2^(15-n)).</summary>
    public const int MinCellFracBits = 4, MaxCellFracBits = 15;

    /// <summary>Intermediate pre-activation sums are clamped to ±2^28 so no int32 sum of requantized terms can overflow.</summary>
    public const int PreWideLimit = 1 << 28;

    /// <summary>Saturation to the int16 range [-32768, 32767], the value kept in an int32.</summary>
    public static int SaturateInt16(int v) => v < short.MinValue ? short.MinValue : v > short.MaxValue ? short.MaxValue : v;

    /// <summary>
    /// Narrowing int32 to int16 with saturation to [-32768, 32767] (never truncating): the scalar
    /// form of the vector kernels' narrowing stores (packssdw on x86, sqxtn on ARM, vpmovsdw on AVX-512).
    /// </summary>
    public static short NarrowInt16(int v) => (short)SaturateInt16(v);

    /// <summary>
    /// Rounding arithmetic right shift, ties toward +infinity: floor((v + 2^(s-1)) / 2^s); s = 0
    /// returns v. Any int32 v and s in [0, 31]: the sum is formed in 64 bits, so v near int.MaxValue
    /// cannot wrap, and the result fits int32. No saturation (none is needed).
    /// </summary>
    public static int RoundingShiftRight(int v, int s) => s == 0 ? v : (int)(((long)v + (1L << (s - 1))) >> s);

    /// <summary>
    /// Product by a Q0.15 factor: Q15 x Qn -> Qn, floor((a*b + 2^14) / 2^15), i.e. rounded half toward
    /// +infinity like <see cref="Requantizer"/>. Exact in int32 while |a*b| &lt;= 2^31 - 2^14 - 1; the
    /// engine keeps a (a gate or 1.0) in [0, 2^15] and |b| &lt;= 65535 (an int16 value or a difference
    /// of two). Not saturated: |result| &lt;= |b| (for a &lt;= 2^15), and where b is a difference it can
    /// leave the int16 range, so the caller saturates where it narrows to int16.
    /// </summary>
    public static int MulQ15(int a, int b) => (a * b + (1 << 14)) >> 15;
}
