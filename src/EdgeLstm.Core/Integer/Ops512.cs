using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeLstm.Core.Integer;

/// <summary>512-bit lanes on AVX-512F/BW (x86-64-v4). Gathers are done as two AVX2 halves.</summary>
internal readonly unsafe struct Ops512 : ISimdOps<Vector512<int>>
{
    public static int Count => 16;
    public static string Name => "Vector512/AVX-512BW";

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<int> Load(int* p) => Vector512.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(int* p, Vector512<int> v) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<int> Splat(int v) => Vector512.Create(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<int> Add(Vector512<int> a, Vector512<int> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<int> Sub(Vector512<int> a, Vector512<int> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<int> Mul(Vector512<int> a, Vector512<int> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<int> Min(Vector512<int> a, Vector512<int> b) => Vector512.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<int> Max(Vector512<int> a, Vector512<int> b) => Vector512.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<int> And(Vector512<int> a, Vector512<int> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<int> ShiftRight(Vector512<int> v, int n) => Vector512.ShiftRightArithmetic(v, n);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<int> ShiftRightLogical(Vector512<int> v, int n) => Vector512.ShiftRightLogical(v, n);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<int> ShiftLeft(Vector512<int> v, int n) => Vector512.ShiftLeft(v, n);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<int> ShiftRightVariable(Vector512<int> v, Vector512<int> counts) => Avx512F.ShiftRightArithmeticVariable(v, counts.AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Gather(int* table, Vector512<int> idx) => Vector512.Create(
        Avx2.GatherVector256(table, idx.GetLower(), 4),
        Avx2.GatherVector256(table, idx.GetUpper(), 4));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<int> LoadWidened(short* p) => Avx512F.ConvertToVector512Int32(Vector256.Load(p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreNarrowed(short* p, Vector512<int> v) => Avx512F.ConvertToVector256Int16WithSaturation(v).Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> MultiplyAddPairs(Vector512<int> acc, sbyte* w, Vector512<int> pair) =>
        acc + Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.Load(w)), pair.AsInt16());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> LoadWeightPairs(sbyte* w) => Avx512BW.ConvertToVector512Int16(Vector256.Load(w)).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> MultiplyAddPairs16(Vector512<int> acc, short* w, Vector512<int> pair) =>
        acc + Avx512BW.MultiplyAddAdjacent(pair.AsInt16(), Vector512.Load(w));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> DotPairs(Vector512<int> a, Vector512<int> b) => Avx512BW.MultiplyAddAdjacent(a.AsInt16(), b.AsInt16());
}
