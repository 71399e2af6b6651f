using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeLstm.Core.Integer;

/// <summary>128-bit lanes: SSE4.1 (x86-64-v2; AVX2 forms where present) or AdvSimd (ARMv8.0).</summary>
internal readonly unsafe struct Ops128 : ISimdOps<Vector128<int>>
{
    public static int Count => 4;
    public static string Name => AdvSimd.Arm64.IsSupported ? "Vector128/AdvSimd" : Avx2.IsSupported ? "Vector128/AVX2" : "Vector128/SSE4.1";

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<int> Load(int* p) => Vector128.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(int* p, Vector128<int> v) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<int> Splat(int v) => Vector128.Create(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<int> Add(Vector128<int> a, Vector128<int> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<int> Sub(Vector128<int> a, Vector128<int> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<int> Mul(Vector128<int> a, Vector128<int> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<int> Min(Vector128<int> a, Vector128<int> b) => Vector128.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<int> Max(Vector128<int> a, Vector128<int> b) => Vector128.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<int> And(Vector128<int> a, Vector128<int> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<int> ShiftRight(Vector128<int> v, int n) => Vector128.ShiftRightArithmetic(v, n);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<int> ShiftRightLogical(Vector128<int> v, int n) => Vector128.ShiftRightLogical(v, n);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<int> ShiftLeft(Vector128<int> v, int n) => Vector128.ShiftLeft(v, n);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> ShiftRightVariable(Vector128<int> v, Vector128<int> counts)
    {
        if (Avx2.IsSupported) return Avx2.ShiftRightArithmeticVariable(v, counts.AsUInt32());
        if (AdvSimd.IsSupported) return AdvSimd.ShiftArithmetic(v, -counts); // sshl: a negative count shifts right, flooring
        return Vector128.Create(v[0] >> counts[0], v[1] >> counts[1], v[2] >> counts[2], v[3] >> counts[3]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Gather(int* table, Vector128<int> idx)
    {
        if (Avx2.IsSupported) return Avx2.GatherVector128(table, idx, 4);
        return Vector128.Create(table[idx[0]], table[idx[1]], table[idx[2]], table[idx[3]]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> LoadWidened(short* p)
    {
        if (Sse41.IsSupported) return Sse41.ConvertToVector128Int32(p);
        if (AdvSimd.IsSupported) return AdvSimd.SignExtendWideningLower(AdvSimd.LoadVector64(p));
        return Vector128.WidenLower(Vector128.CreateScalar(*(long*)p).AsInt16());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed(short* p, Vector128<int> v)
    {
        if (AdvSimd.IsSupported) AdvSimd.Store(p, AdvSimd.ExtractNarrowingSaturateLower(v));
        else if (Sse2.IsSupported) *(long*)p = Sse2.PackSignedSaturate(v, v).AsInt64().ToScalar();
        else
        {
            var saturated = Vector128.Min(Vector128.Max(v, Vector128.Create((int)short.MinValue)), Vector128.Create((int)short.MaxValue));
            *(long*)p = Vector128.Narrow(saturated, saturated).AsInt64().ToScalar();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyAddPairs(Vector128<int> acc, sbyte* w, Vector128<int> pair) => acc + DotPairs(pair, LoadWeightPairs(w));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> LoadWeightPairs(sbyte* w) => (Sse41.IsSupported ? Sse41.ConvertToVector128Int16(w)
        : AdvSimd.IsSupported ? AdvSimd.SignExtendWideningLower(AdvSimd.LoadVector64(w))
        : throw new PlatformNotSupportedException()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyAddPairs16(Vector128<int> acc, short* w, Vector128<int> pair) =>
        acc + DotPairs(pair, Vector128.Load(w).AsInt32()); // the load second, where it folds into pmaddwd

    /// <summary>pmaddwd on x86; on ARM (no pmaddwd) widening multiplies of both halves, then a pairwise add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> DotPairs(Vector128<int> a, Vector128<int> b)
    {
        if (Sse2.IsSupported) return Sse2.MultiplyAddAdjacent(a.AsInt16(), b.AsInt16());
        if (AdvSimd.Arm64.IsSupported)
        {
            var x = a.AsInt16();
            var y = b.AsInt16();
            return AdvSimd.Arm64.AddPairwise(AdvSimd.MultiplyWideningLower(x.GetLower(), y.GetLower()), AdvSimd.MultiplyWideningUpper(x, y));
        }
        throw new PlatformNotSupportedException();
    }
}
