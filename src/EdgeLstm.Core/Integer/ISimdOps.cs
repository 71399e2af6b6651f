namespace EdgeLstm.Core.Integer;

/// <summary>
/// The int32-lane vector operations the vector kernels are written in, one implementation per
/// width (Vector128 on SSE4.1 or AdvSimd, Vector256 on AVX2, Vector512 on AVX-512BW). Static
/// abstract members let <see cref="SimdKernels{TOps, TV}"/> be written once and specialized per
/// width at compile time, with no call overhead.
/// </summary>
internal unsafe interface ISimdOps<TV> where TV : struct
{
    static abstract int Count { get; }
    static abstract string Name { get; }
    static abstract TV Load(int* p);
    static abstract void Store(int* p, TV v);
    static abstract TV Splat(int v);
    static abstract TV Add(TV a, TV b);
    static abstract TV Sub(TV a, TV b);
    static abstract TV Mul(TV a, TV b);
    static abstract TV Min(TV a, TV b);
    static abstract TV Max(TV a, TV b);
    static abstract TV And(TV a, TV b);

    /// <summary>Arithmetic right shift by the same constant in every lane.</summary>
    static abstract TV ShiftRight(TV v, int n);

    /// <summary>Logical right shift (used on non-negative values only).</summary>
    static abstract TV ShiftRightLogical(TV v, int n);
    static abstract TV ShiftLeft(TV v, int n);

    /// <summary>Arithmetic right shift by a per-lane count in [0, 31].</summary>
    static abstract TV ShiftRightVariable(TV v, TV counts);

    /// <summary>table[idx] per lane.</summary>
    static abstract TV Gather(int* table, TV idx);

    /// <summary>Count int16 values, sign-extended to int32 lanes.</summary>
    static abstract TV LoadWidened(short* p);

    /// <summary>
    /// Stores lanes as int16, saturating to [-32768, 32767] (packssdw, sqxtn, vpmovsdw): the same
    /// as the scalar kernels' <see cref="Numerics.QFormats.NarrowInt16"/>. The kernels clamp or bound
    /// the values before storing anyway, so saturation here never changes a result.
    /// </summary>
    static abstract void StoreNarrowed(short* p, TV v);

    /// <summary>
    /// acc + per lane (w[2i]*x0 + w[2i+1]*x1), w being 2*Count int8 weights (sign-extended to int16
    /// as they are loaded) and (x0, x1) the int16 pair packed in every int32 lane of pair.
    /// </summary>
    static abstract TV MultiplyAddPairs(TV acc, sbyte* w, TV pair);

    /// <summary>
    /// 2*Count int8 weights sign-extended to int16, held in one vector (two per int32 lane), for
    /// <see cref="DotPairs"/> against several broadcast input pairs (the batched product).
    /// </summary>
    static abstract TV LoadWeightPairs(sbyte* w);

    /// <summary>The same over 2*Count int16 weights already widened (held so when they fit in L1).</summary>
    static abstract TV MultiplyAddPairs16(TV acc, short* w, TV pair);

    /// <summary>
    /// Per lane a.lo*b.lo + a.hi*b.hi of the int16 halves of each int32 lane (pmaddwd); exact when
    /// not both products are (-32768)^2.
    /// </summary>
    static abstract TV DotPairs(TV a, TV b);
}
