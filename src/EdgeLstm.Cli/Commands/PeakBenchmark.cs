using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeLstm.Cli.Commands;

/// <summary>One multiply-accumulate form's measured throughput (<see cref="PeakBenchmark"/>).</summary>
/// <param name="Name">The form, e.g. "vpmaddwd+vpaddd ymm".</param>
/// <param name="MacsPerInstruction">int16 multiply-accumulates per multiply instruction (16 for 256 bits).</param>
/// <param name="Supported">Whether this process can run it (the build's instruction set and the CPU's).</param>
/// <param name="GmacPerSecond">Measured; 0 when not supported.</param>
/// <param name="InstructionsPerCycle">Multiply instructions per cycle of the measured clock.</param>
/// <param name="Accumulates">Whether the form sums into an accumulator (a kernel's product); false for the multiply alone, which bounds what fusing the add (VNNI) could reach.</param>
public sealed record PeakForm(string Name, int MacsPerInstruction, bool Supported, double GmacPerSecond, double InstructionsPerCycle, bool Accumulates);

/// <summary>The measured clock and every form's peak.</summary>
public sealed record PeakResult(double ClockGhz, IReadOnlyList<PeakForm> Forms)
{
    /// <summary>The fastest supported form that multiplies int16 pairs and accumulates into int32 (what the kernels could use).</summary>
    public PeakForm? Best => Forms.Where(f => f.Supported && f.Accumulates).MaxBy(f => f.GmacPerSecond);

    /// <summary>The fastest multiply alone: no accumulating form can beat it (a fused multiply-add on the same pipes included).</summary>
    public PeakForm? MultiplyBound => Forms.Where(f => f.Supported && !f.Accumulates).MaxBy(f => f.GmacPerSecond);
}

/// <summary>
/// `bench --peak`: the int16 multiply-accumulate throughput of this core over register-resident
/// data, the ceiling of the integer engine's products. Each form runs Chains independent
/// accumulator chains in a loop (enough to cover the multiply's latency at two per cycle); each
/// chain's multiply reads its own accumulator, so the compiler cannot hoist it out of the loop.
/// The clock is measured too, as a dependent chain of vector adds (one cycle each on x86 cores),
/// so that the result is also given per cycle instead of assuming the clock the VM reports.
/// The fastest of <see cref="Samples"/> timed samples per form (and for the clock): on a shared
/// machine another process can only slow a sample down, so the fastest is the core's own rate.
/// </summary>
public static class PeakBenchmark
{
    private const int Samples = 41;
    private const long Iterations = 1_000_000; // per sample: 12 million multiplies, a few ms
    private const int Chains = 12;

    public static PeakResult Measure()
    {
        double clock = X86Base.IsSupported ? 1.0 / FastestNs(AddChain, 16) : 0;
        var forms = new List<PeakForm>
        {
            Form("vpmaddwd+vpaddd xmm (SSE2)", 8, Sse2.IsSupported, Chained<MaddAdd128, Vector128<int>>, clock),
            Form("vpmaddwd+vpaddd ymm (AVX2)", 16, Avx2.IsSupported, Chained<MaddAdd256, Vector256<int>>, clock),
            Form("vpmaddwd+vpaddd ymm, L1 inputs (AVX2)", 16, Avx2.IsSupported, Loaded<MaddAdd256, Vector256<int>>, clock),
            Form("vpmaddwd ymm alone (AVX2)", 16, Avx2.IsSupported, Chained<Madd256, Vector256<int>>, clock),
            Form("vpdpwssd ymm, L1 inputs (AVX-VNNI)", 16, AvxVnni.IsSupported, Loaded<Vnni256, Vector256<int>>, clock),
            Form("vpdpwssd ymm (AVX-VNNI)", 16, AvxVnni.IsSupported, Chained<Vnni256, Vector256<int>>, clock),
            Form("vpmaddwd+vpaddd zmm (AVX-512BW)", 32, Avx512BW.IsSupported, Chained<MaddAdd512, Vector512<int>>, clock),
            Form("vpmaddwd+vpaddd zmm, L1 inputs (AVX-512BW)", 32, Avx512BW.IsSupported, Loaded<MaddAdd512, Vector512<int>>, clock),
            Form("vpmaddwd zmm alone (AVX-512BW)", 32, Avx512BW.IsSupported, Chained<Madd512, Vector512<int>>, clock),
        };
        return new PeakResult(clock, forms);
    }

    private static PeakForm Form(string name, int macs, bool supported, Func<long, int> kernel, double clockGhz)
    {
        bool accumulates = !name.Contains("alone", StringComparison.Ordinal);
        if (!supported) return new PeakForm(name, macs, false, 0, 0, accumulates);
        double nsPerInstruction = FastestNs(kernel, Chains);
        return new PeakForm(name, macs, true, macs / nsPerInstruction, clockGhz > 0 ? 1 / (nsPerInstruction * clockGhz) : 0, accumulates);
    }

    /// <summary>The fastest sample's ns per instruction of a kernel that runs perIteration instructions an iteration, after a warm-up sample.</summary>
    private static double FastestNs(Func<long, int> kernel, int perIteration)
    {
        var ns = new double[Samples];
        int sink = kernel(Iterations / 10);
        for (int s = 0; s < Samples; s++)
        {
            long start = Stopwatch.GetTimestamp();
            sink ^= kernel(Iterations);
            ns[s] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / (Iterations * perIteration);
        }
        GC.KeepAlive(sink);
        return ns.Min();
    }

    /// <summary>Runtime values the compiler cannot fold into constants.</summary>
    private static int Seed => Environment.ProcessorCount + 0x00030001;

    /// <summary>16 dependent vpaddd an iteration: one cycle each, so ns per add is the cycle time.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // optimized at once: no tier-0 or OSR code timed
    private static int AddChain(long iterations)
    {
        var a = Vector128.Create(Seed);
        var one = Vector128.Create(Seed >> 16);
        for (long i = 0; i < iterations; i++)
        {
            a += one; a += one; a += one; a += one; a += one; a += one; a += one; a += one;
            a += one; a += one; a += one; a += one; a += one; a += one; a += one; a += one;
        }
        return a.ToScalar();
    }

    /// <summary>Chains accumulators stepped by TForm an iteration, each through its own previous value.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // optimized at once: no tier-0 or OSR code timed
    private static int Chained<TForm, TV>(long iterations) where TForm : struct, IMacForm<TV> where TV : struct
    {
        TV w = TForm.Splat(Seed * 0x1F);
        TV a0 = TForm.Splat(Seed), a1 = TForm.Splat(Seed + 1), a2 = TForm.Splat(Seed + 2), a3 = TForm.Splat(Seed + 3);
        TV a4 = TForm.Splat(Seed + 4), a5 = TForm.Splat(Seed + 5), a6 = TForm.Splat(Seed + 6), a7 = TForm.Splat(Seed + 7);
        TV a8 = TForm.Splat(Seed + 8), a9 = TForm.Splat(Seed + 9), a10 = TForm.Splat(Seed + 10), a11 = TForm.Splat(Seed + 11);
        for (long i = 0; i < iterations; i++)
        {
            a0 = TForm.Add(a0, a0, w); a1 = TForm.Add(a1, a1, w); a2 = TForm.Add(a2, a2, w); a3 = TForm.Add(a3, a3, w);
            a4 = TForm.Add(a4, a4, w); a5 = TForm.Add(a5, a5, w); a6 = TForm.Add(a6, a6, w); a7 = TForm.Add(a7, a7, w);
            a8 = TForm.Add(a8, a8, w); a9 = TForm.Add(a9, a9, w); a10 = TForm.Add(a10, a10, w); a11 = TForm.Add(a11, a11, w);
        }
        return TForm.Fold(a0) ^ TForm.Fold(a1) ^ TForm.Fold(a2) ^ TForm.Fold(a3) ^ TForm.Fold(a4) ^ TForm.Fold(a5)
            ^ TForm.Fold(a6) ^ TForm.Fold(a7) ^ TForm.Fold(a8) ^ TForm.Fold(a9) ^ TForm.Fold(a10) ^ TForm.Fold(a11);
    }

    /// <summary>
    /// The kernels' pattern: each chain's multiply reads a vector from L1 (two alternating sets, so
    /// the loads are not loop-invariant) and only the add depends on the chain.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // optimized at once: no tier-0 or OSR code timed
    private static int Loaded<TForm, TV>(long iterations) where TForm : struct, IMacForm<TV> where TV : struct
    {
        // Pinned and aligned to a cache line: a vector load across two lines would cost a second load.
        var bytes = GC.AllocateArray<byte>(2 * Chains * Unsafe.SizeOf<TV>() + 64, pinned: true);
        ref byte start = ref MemoryMarshal.GetArrayDataReference(bytes);
        nint address = Unsafe.ByteOffset(ref Unsafe.NullRef<byte>(), ref start);
        ref TV x = ref Unsafe.As<byte, TV>(ref Unsafe.Add(ref start, (int)((64 - (address & 63)) & 63)));
        for (int k = 0; k < 2 * Chains; k++) Unsafe.Add(ref x, k) = TForm.Splat(Seed * (k + 1));
        TV w = TForm.Splat(Seed * 0x1F);
        TV a0 = TForm.Splat(Seed), a1 = TForm.Splat(Seed + 1), a2 = TForm.Splat(Seed + 2), a3 = TForm.Splat(Seed + 3);
        TV a4 = TForm.Splat(Seed + 4), a5 = TForm.Splat(Seed + 5), a6 = TForm.Splat(Seed + 6), a7 = TForm.Splat(Seed + 7);
        TV a8 = TForm.Splat(Seed + 8), a9 = TForm.Splat(Seed + 9), a10 = TForm.Splat(Seed + 10), a11 = TForm.Splat(Seed + 11);
        for (long i = 0; i < iterations; i++)
        {
            ref TV p = ref Unsafe.Add(ref x, (int)(i & 1) * Chains);
            a0 = TForm.Add(a0, p, w); a1 = TForm.Add(a1, Unsafe.Add(ref p, 1), w);
            a2 = TForm.Add(a2, Unsafe.Add(ref p, 2), w); a3 = TForm.Add(a3, Unsafe.Add(ref p, 3), w);
            a4 = TForm.Add(a4, Unsafe.Add(ref p, 4), w); a5 = TForm.Add(a5, Unsafe.Add(ref p, 5), w);
            a6 = TForm.Add(a6, Unsafe.Add(ref p, 6), w); a7 = TForm.Add(a7, Unsafe.Add(ref p, 7), w);
            a8 = TForm.Add(a8, Unsafe.Add(ref p, 8), w); a9 = TForm.Add(a9, Unsafe.Add(ref p, 9), w);
            a10 = TForm.Add(a10, Unsafe.Add(ref p, 10), w); a11 = TForm.Add(a11, Unsafe.Add(ref p, 11), w);
        }
        GC.KeepAlive(bytes);
        return TForm.Fold(a0) ^ TForm.Fold(a1) ^ TForm.Fold(a2) ^ TForm.Fold(a3) ^ TForm.Fold(a4) ^ TForm.Fold(a5)
            ^ TForm.Fold(a6) ^ TForm.Fold(a7) ^ TForm.Fold(a8) ^ TForm.Fold(a9) ^ TForm.Fold(a10) ^ TForm.Fold(a11);
    }

    /// <summary>One multiply-accumulate form; a chain's step is Add(acc, x, w), with x the accumulator itself or a vector from L1.</summary>
    private interface IMacForm<TV> where TV : struct
    {
        /// <summary>A vector with every int32 lane v.</summary>
        static abstract TV Splat(int v);

        /// <summary>The first int32 lane: what keeps a chain's result alive.</summary>
        static abstract int Fold(TV v);

        /// <summary>acc + the products of x and w (the form's multiply, then its add if it has one).</summary>
        static abstract TV Add(TV acc, TV x, TV w);
    }

    /// <summary>The 128-bit forms' Splat and Fold.</summary>
    private interface IMacForm128 : IMacForm<Vector128<int>>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] static Vector128<int> IMacForm<Vector128<int>>.Splat(int v) => Vector128.Create(v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] static int IMacForm<Vector128<int>>.Fold(Vector128<int> v) => v.ToScalar();
    }

    /// <summary>The 256-bit forms' Splat and Fold.</summary>
    private interface IMacForm256 : IMacForm<Vector256<int>>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] static Vector256<int> IMacForm<Vector256<int>>.Splat(int v) => Vector256.Create(v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] static int IMacForm<Vector256<int>>.Fold(Vector256<int> v) => v.ToScalar();
    }

    /// <summary>The 512-bit forms' Splat and Fold.</summary>
    private interface IMacForm512 : IMacForm<Vector512<int>>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] static Vector512<int> IMacForm<Vector512<int>>.Splat(int v) => Vector512.Create(v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] static int IMacForm<Vector512<int>>.Fold(Vector512<int> v) => v.ToScalar();
    }

    private readonly struct MaddAdd128 : IMacForm128
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<int> Add(Vector128<int> a, Vector128<int> x, Vector128<int> w) => Sse2.Add(a, Sse2.MultiplyAddAdjacent(x.AsInt16(), w.AsInt16()));
    }

    private readonly struct MaddAdd256 : IMacForm256
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<int> Add(Vector256<int> a, Vector256<int> x, Vector256<int> w) => Avx2.Add(a, Avx2.MultiplyAddAdjacent(x.AsInt16(), w.AsInt16()));
    }

    /// <summary>The multiply alone (each chain's result is its next input): whether the adds cost anything beside it.</summary>
    private readonly struct Madd256 : IMacForm256
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<int> Add(Vector256<int> a, Vector256<int> x, Vector256<int> w) => Avx2.MultiplyAddAdjacent(x.AsInt16(), w.AsInt16());
    }

    /// <summary>vpdpwssd: the multiply and the add in one instruction, chained through the accumulator.</summary>
    private readonly struct Vnni256 : IMacForm256
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<int> Add(Vector256<int> a, Vector256<int> x, Vector256<int> w) => AvxVnni.MultiplyWideningAndAdd(a, x.AsInt16(), w.AsInt16());
    }

    private readonly struct MaddAdd512 : IMacForm512
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<int> Add(Vector512<int> a, Vector512<int> x, Vector512<int> w) => Avx512BW.Add(a, Avx512BW.MultiplyAddAdjacent(x.AsInt16(), w.AsInt16()));
    }

    private readonly struct Madd512 : IMacForm512
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<int> Add(Vector512<int> a, Vector512<int> x, Vector512<int> w) => Avx512BW.MultiplyAddAdjacent(x.AsInt16(), w.AsInt16());
    }
}
