using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeLstm.Core.Integer;

/// <summary>256-bit lanes on AVX2 (x86-64-v3).</summary>
internal readonly unsafe struct Ops256 : ISimdOps<Vector256<int>>
{
    public static int Count => 8;
    public static string Name => "Vector256/AVX2";

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<int> Load(int* p) => Vector256.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(int* p, Vector256<int> v) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<int> Splat(int v) => Vector256.Create(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<int> Add(Vector256<int> a, Vector256<int> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<int> Sub(Vector256<int> a, Vector256<int> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<int> Mul(Vector256<int> a, Vector256<int> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<int> Min(Vector256<int> a, Vector256<int> b) => Vector256.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<int> Max(Vector256<int> a, Vector256<int> b) => Vector256.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<int> And(Vector256<int> a, Vector256<int> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<int> ShiftRight(Vector256<int> v, int n) => Vector256.ShiftRightArithmetic(v, n);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<int> ShiftRightLogical(Vector256<int> v, int n) => Vector256.ShiftRightLogical(v, n);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<int> ShiftLeft(Vector256<int> v, int n) => Vector256.ShiftLeft(v, n);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<int> ShiftRightVariable(Vector256<int> v, Vector256<int> counts) => Avx2.ShiftRightArithmeticVariable(v, counts.AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<int> Gather(int* table, Vector256<int> idx) => Avx2.GatherVector256(table, idx, 4);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<int> LoadWidened(short* p) => Avx2.ConvertToVector256Int32(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed(short* p, Vector256<int> v) => Sse2.PackSignedSaturate(v.GetLower(), v.GetUpper()).Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyAddPairs(Vector256<int> acc, sbyte* w, Vector256<int> pair) =>
        acc + Avx2.MultiplyAddAdjacent(pair.AsInt16(), Avx2.ConvertToVector256Int16(w));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> LoadWeightPairs(sbyte* w) => Avx2.ConvertToVector256Int16(w).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyAddPairs16(Vector256<int> acc, short* w, Vector256<int> pair) =>
        acc + Avx2.MultiplyAddAdjacent(pair.AsInt16(), Vector256.Load(w)); // the load second, where it folds into vpmaddwd

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> DotPairs(Vector256<int> a, Vector256<int> b) => Avx2.MultiplyAddAdjacent(a.AsInt16(), b.AsInt16());
}
