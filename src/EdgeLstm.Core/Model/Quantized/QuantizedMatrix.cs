namespace EdgeLstm.Core.Model;

/// <summary>
/// An int8 weight matrix, row-major, symmetric with one scale per output row:
/// real weight = Values[r, j] * Scales[r]. Requant[r] takes the row's int32 accumulator
/// (against an int16 input of known scale) to the Q3.12 pre-activation scale.
/// </summary>
public sealed class QuantizedMatrix
{
    public QuantizedMatrix(int rows, int cols, sbyte[] values, float[] scales, Requantizer[] requant)
    {
        if (values.Length != rows * cols) throw new ArgumentException($"matrix has {values.Length} values, expected {rows}x{cols}");
        if (scales.Length != rows || requant.Length != rows) throw new ArgumentException("one scale and one requantizer per row expected");
        (Rows, Cols, Values, Scales, Requant) = (rows, cols, values, scales, requant);
    }

    public int Rows { get; }
    public int Cols { get; }
    public sbyte[] Values { get; }
    public float[] Scales { get; }
    public Requantizer[] Requant { get; }

    public ReadOnlySpan<sbyte> Row(int r) => Values.AsSpan(r * Cols, Cols);

    /// <summary>Rows [first, first+count) as a matrix of their own (the GRU splits R this way).</summary>
    public QuantizedMatrix SliceRows(int first, int count) => new(
        count, Cols,
        Values.AsSpan(first * Cols, count * Cols).ToArray(),
        Scales.AsSpan(first, count).ToArray(),
        Requant.AsSpan(first, count).ToArray());

    /// <summary>Columns [first, first+count) of every row (a Clockwork module reads only the slower modules' units).</summary>
    public QuantizedMatrix SliceColumns(int first, int count)
    {
        var values = new sbyte[Rows * count];
        for (int r = 0; r < Rows; r++) Values.AsSpan(r * Cols + first, count).CopyTo(values.AsSpan(r * count));
        return new QuantizedMatrix(Rows, count, values, Scales.ToArray(), Requant.ToArray());
    }

    public float[] Dequantize()
    {
        var w = new float[Values.Length];
        for (int r = 0; r < Rows; r++)
            for (int j = 0; j < Cols; j++)
                w[r * Cols + j] = Values[r * Cols + j] * Scales[r];
        return w;
    }
}
