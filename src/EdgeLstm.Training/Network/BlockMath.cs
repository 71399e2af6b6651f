namespace EdgeLstm.Training.Network;

/// <summary>
/// The three matrix products of backpropagation through time, per sample, over a matrix kept
/// TRANSPOSED (mT is [n, ld] row-major: row j holds input j's weights to every gate row). With that
/// layout all three products run along contiguous rows of gate length, which TensorPrimitives
/// vectorizes: forward out += x·mT (axpy per input), input gradient dx = mT·dz (dot per input),
/// weight gradient dmT += x ⊗ dz (axpy per input). A column range [col, col + len) of each row
/// selects a gate block (the GRU candidate's recurrent matrix works on r ⊙ h, not h).
/// Summation order is fixed by the loops, so results are deterministic on one machine.
/// </summary>
internal static class BlockMath<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>output[c] += sum_j x[j] * mT[j, col + c].</summary>
    public static void AddProduct(ReadOnlySpan<T> x, ReadOnlySpan<T> mT, int ld, int col, Span<T> output)
    {
        int len = output.Length;
        for (int j = 0; j < x.Length; j++)
            TensorPrimitives.MultiplyAdd(mT.Slice(j * ld + col, len), x[j], output, output);
    }

    /// <summary>dx[j] += sum_c mT[j, col + c] * dz[c].</summary>
    public static void AddTransposedProduct(ReadOnlySpan<T> dz, ReadOnlySpan<T> mT, int ld, int col, Span<T> dx)
    {
        int len = dz.Length;
        for (int j = 0; j < dx.Length; j++)
            dx[j] += TensorPrimitives.Dot(mT.Slice(j * ld + col, len), dz);
    }

    /// <summary>dmT[j, col + c] += x[j] * dz[c].</summary>
    public static void AddOuter(ReadOnlySpan<T> x, ReadOnlySpan<T> dz, Span<T> dmT, int ld, int col)
    {
        int len = dz.Length;
        for (int j = 0; j < x.Length; j++)
        {
            var row = dmT.Slice(j * ld + col, len);
            TensorPrimitives.MultiplyAdd(dz, x[j], row, row);
        }
    }

    /// <summary>Transposes a [rows, cols] row-major matrix into [cols, rows].</summary>
    public static void Transpose(ReadOnlySpan<T> m, int rows, int cols, Span<T> mT)
    {
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                mT[c * rows + r] = m[r * cols + c];
    }

    /// <summary>ONNX clip of pre-activations: clamps in place and writes the derivative mask (1 inside, 0 where clamped).</summary>
    public static void Clip(Span<T> z, Span<T> mask, T clip)
    {
        for (int k = 0; k < z.Length; k++)
        {
            if (z[k] > clip) { z[k] = clip; mask[k] = T.Zero; }
            else if (z[k] < -clip) { z[k] = -clip; mask[k] = T.Zero; }
            else mask[k] = T.One;
        }
    }
}
