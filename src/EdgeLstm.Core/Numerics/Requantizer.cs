namespace EdgeLstm.Core.Numerics;

/// <summary>
/// Integer rescaling of an int32 accumulator by a real factor m = Multiplier * 2^-Shift.
/// The one rounding rule of the engine: result = floor((acc * Multiplier + 2^(Shift-1)) / 2^Shift),
/// i.e. round half toward +infinity, exact (no intermediate rounding). Multiplier is in [0, 2^15),
/// normally [2^14, 2^15) for 15 significant bits; Shift is in [16, 46]. These bounds are what lets
/// the vector kernels evaluate the rule exactly with 32-bit lanes (see <see cref="Apply32"/>).
/// </summary>
public readonly record struct Requantizer(int Multiplier, int Shift)
{
    public const int MinShift = 16, MaxShift = 46, MultiplierLimit = 1 << 15;

    /// <summary>Factors must stay below 1/4 so a requantized int32 accumulator stays below 2^29 and sums of a few cannot overflow.</summary>
    public const double MaxFactor = 0.25;

    public double Factor => Multiplier / Math.Pow(2, Shift);

    /// <summary>
    /// The requantizer nearest to m, with 15 significant bits where m allows.
    /// Throws if m is negative, not finite, or at least <see cref="MaxFactor"/>.
    /// Runs offline (at quantization time); the engine only ever sees the integers.
    /// </summary>
    public static Requantizer FromFactor(double m)
    {
        if (!double.IsFinite(m) || m < 0)
            throw new ArgumentOutOfRangeException(nameof(m), m, "requantization factor must be finite and non-negative");
        if (m >= MaxFactor)
            throw new ArgumentOutOfRangeException(nameof(m), m, $"requantization factor {m:G6} is too large (limit {MaxFactor:G6}); the weights or input range are out of the engine's fixed-point range");
        if (m == 0) return new Requantizer(0, MinShift);
        // Choose the shift that puts m * 2^shift in [2^14, 2^15).
        int shift = 14 - (int)Math.Floor(Math.Log2(m));
        shift = Math.Clamp(shift, MinShift, MaxShift);
        long mult = (long)Math.Round(m * Math.Pow(2, shift), MidpointRounding.AwayFromZero);
        if (mult >= MultiplierLimit)
        {
            // Rounding carried into bit 15: halve (keeps the value, shift stays >= 16 since m < MaxFactor).
            shift--;
            mult = (long)Math.Round(m * Math.Pow(2, shift), MidpointRounding.AwayFromZero);
        }
        return new Requantizer((int)mult, shift);
    }

    /// <summary>Reference evaluation of the rounding rule in 64-bit arithmetic.</summary>
    public int Apply(int acc) => (int)((acc * (long)Multiplier + (1L << (Shift - 1))) >> Shift);

    /// <summary>
    /// The same rule in 32-bit arithmetic only, as the vector kernels evaluate it. With
    /// acc = hi*2^16 + lo (lo in [0, 2^16)) and 2^(Shift-1) = a*2^16 + b:
    /// floor((acc*M + 2^(Shift-1)) / 2^Shift) = (hi*M + a + ((lo*M + b) >> 16)) >> (Shift-16),
    /// because floor(floor(x)/k) = floor(x/k) for integer k. No term overflows int32 given the
    /// bounds on M and Shift.
    /// </summary>
    public int Apply32(int acc)
    {
        var c = RequantConstants.From(this);
        int hi = acc >> 16, lo = acc & 0xFFFF;
        return (hi * c.Multiplier + c.RoundHigh + ((lo * c.Multiplier + c.RoundLow) >> 16)) >> c.Shift;
    }
}

/// <summary>The per-row constants of <see cref="Requantizer.Apply32"/>, derived once at load.</summary>
public readonly record struct RequantConstants(int Multiplier, int RoundHigh, int RoundLow, int Shift)
{
    public static RequantConstants From(Requantizer r) => new(
        r.Multiplier,
        r.Shift >= 17 ? 1 << (r.Shift - 17) : 0,
        r.Shift == 16 ? 1 << 15 : 0,
        r.Shift - 16);
}
