using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeLstm.Core.Integer;

/// <summary>Which integer kernels a session runs. Every choice gives bit-identical results; only speed differs.</summary>
public enum KernelChoice
{
    /// <summary>The widest vector kernels this process's instruction set supports (or scalar if EDGELSTM_FORCE_SCALAR=1).</summary>
    Auto,
    Scalar,
    Vector128,
    Vector256,
    Vector512,
}

public static class KernelSupport
{
    /// <summary>Setting this environment variable to 1 forces the scalar reference kernels (bisection, tests).</summary>
    public const string ForceScalarVariable = "EDGELSTM_FORCE_SCALAR";

    public static bool IsSupported(KernelChoice choice) => choice switch
    {
        KernelChoice.Auto or KernelChoice.Scalar => true,
        KernelChoice.Vector128 => Vector128.IsHardwareAccelerated && (Sse41.IsSupported || AdvSimd.Arm64.IsSupported),
        KernelChoice.Vector256 => Avx2.IsSupported,
        KernelChoice.Vector512 => Avx512BW.IsSupported && Avx512F.IsSupported && Avx2.IsSupported,
        _ => false,
    };

    /// <summary>What the processor must offer for <see cref="IsSupported"/> to hold (for errors, reports and skipped tests).</summary>
    public static string Requirement(KernelChoice choice) => choice switch
    {
        KernelChoice.Vector128 => "SSE4.1 (x86-64) or AdvSimd (arm64)",
        KernelChoice.Vector256 => "AVX2",
        KernelChoice.Vector512 => "AVX-512F, AVX-512BW and AVX2",
        _ => "nothing",
    };

    /// <summary>The vector kernels Auto resolves to here, widest first.</summary>
    public static KernelChoice Resolve(KernelChoice choice)
    {
        if (choice != KernelChoice.Auto)
        {
            if (!IsSupported(choice)) throw new PlatformNotSupportedException($"{choice} kernels are not supported by this build's instruction set on this processor (they need {Requirement(choice)}; this process has {InstructionSets.Describe()})");
            return choice;
        }
        if (Environment.GetEnvironmentVariable(ForceScalarVariable) == "1") return KernelChoice.Scalar;
        foreach (var c in new[] { KernelChoice.Vector512, KernelChoice.Vector256, KernelChoice.Vector128 })
            if (IsSupported(c)) return c;
        return KernelChoice.Scalar;
    }

    /// <summary>All kernel choices that run on this machine (for tests proving them equal).</summary>
    public static IReadOnlyList<KernelChoice> Available =>
        new[] { KernelChoice.Scalar, KernelChoice.Vector128, KernelChoice.Vector256, KernelChoice.Vector512 }.Where(IsSupported).ToArray();

    /// <summary>The kernels of a choice; fuses = false keeps every layer on the unfused kernel sequence (the batched session's lanes).</summary>
    internal static IntegerKernels Create(KernelChoice choice, bool fuses = true) => Resolve(choice) switch
    {
        KernelChoice.Vector512 => new SimdKernels<Ops512, Vector512<int>>(fuses),
        KernelChoice.Vector256 => new SimdKernels<Ops256, Vector256<int>>(fuses),
        KernelChoice.Vector128 => new SimdKernels<Ops128, Vector128<int>>(fuses),
        _ => new ScalarKernels(),
    };
}

/// <summary>What the running build and processor offer, for reports.</summary>
public static class InstructionSets
{
    /// <summary>The vector instruction sets this process can use, e.g. "SSE4.2 AVX2 FMA" or "AdvSimd".</summary>
    public static string Describe()
    {
        var names = new List<string>();
        if (Sse42.IsSupported) names.Add("SSE4.2");
        if (Avx2.IsSupported) names.Add("AVX2");
        if (Fma.IsSupported) names.Add("FMA");
        if (Avx512F.IsSupported) names.Add("AVX-512F");
        if (Avx512BW.IsSupported) names.Add("AVX-512BW");
        if (AdvSimd.IsSupported) names.Add("AdvSimd");
        if (Dp.IsSupported) names.Add("DotProd");
        return names.Count == 0 ? "none" : string.Join(' ', names);
    }
}
