namespace EdgeLstm.Core.Cells.Mut;

/// <summary>
/// The MUT cells' generalization of the paper's "x added to a hidden-size vector" (Jozefowicz et
/// al. 2015 need I = H): unit j reads input x_(j mod I), a fixed, weightless cyclic map, exactly
/// the paper's term when I = H. The map is stored as one gate block of W, [H, I] with 1 at
/// (j, j mod I) and 0 elsewhere, so both engines compute it with the shared matrix product: in
/// the float engine the product is exact (one 1 · x term, the rest 0 · x), and in the integer
/// engine the block quantizes to int8 127 per row with the row requantizer s_x / 127 · 2^12, which
/// brings the layer's int16 input (one unit = s_x, the layer's input scale) into the gate
/// pre-activation format Q3.12 with the engine's one rounding (half toward +infinity; the
/// 15-bit multiplier keeps it within one unit of round(x · 2^12)). The trainer never updates the
/// block; the validation rejects any other values.
/// </summary>
internal static class CyclicInputMap
{
    /// <summary>The int8 value of a map entry: the row's max-abs 1.0 on the 127 grid.</summary>
    public const sbyte QuantizedOne = 127;

    /// <summary>
    /// Largest departure of a stored entry from 0 or 1 the float check accepts: a dequantized map
    /// (127 · (1/127) in float32) is within 1.2e-7 of 1; a trained or written map is exact.
    /// </summary>
    private const float Tolerance = 1e-6f;

    /// <summary>Unit j's input column.</summary>
    public static int Column(int unit, int inputs) => unit % inputs;

    /// <summary>Writes the map into gate block `block` of a row-major [gates·H, I] W.</summary>
    public static void Write(float[] w, int block, int inputs, int hidden)
    {
        Array.Clear(w, block * hidden * inputs, hidden * inputs);
        for (int k = 0; k < hidden; k++) w[(block * hidden + k) * inputs + Column(k, inputs)] = 1f;
    }

    /// <summary>The float check: block `block` of W is the map (within <see cref="Tolerance"/>).</summary>
    public static void Check(string where, string gate, float[] w, int block, int inputs, int hidden)
    {
        for (int k = 0; k < hidden; k++)
            for (int j = 0; j < inputs; j++)
            {
                float expected = j == Column(k, inputs) ? 1f : 0f, v = w[(block * hidden + k) * inputs + j];
                if (!(MathF.Abs(v - expected) <= Tolerance))
                    throw new ModelException($"{where}: W[{block * hidden + k},{j}] is {v}; the {gate} block of W is the fixed cyclic input map (1 at column unit mod {inputs}, else 0)");
            }
    }

    /// <summary>The integer check: block `block` of the int8 W holds 127 on the map and 0 elsewhere.</summary>
    public static void Check(string where, string gate, QuantizedMatrix w, int block, int hidden)
    {
        int inputs = w.Cols;
        for (int k = 0; k < hidden; k++)
            for (int j = 0; j < inputs; j++)
            {
                int expected = j == Column(k, inputs) ? QuantizedOne : 0, v = w.Values[(block * hidden + k) * inputs + j];
                if (v != expected)
                    throw new ModelException($"{where}: W[{block * hidden + k},{j}] is {v}; the {gate} block of the integer W is the cyclic input map ({QuantizedOne} at column unit mod {inputs}, else 0)");
            }
    }

    /// <summary>The float check of a recurrent block the equations do not have: exactly zero.</summary>
    public static void CheckEmpty(string where, string gate, float[] r, int block, int hidden)
    {
        for (int i = block * hidden * hidden; i < (block + 1) * hidden * hidden; i++)
            if (r[i] != 0) throw new ModelException($"{where}: R[{i / hidden},{i % hidden}] is {r[i]}; the {gate} gate has no recurrent term, its R block must be zero");
    }

    /// <summary>The integer check of such a block: all int8 values zero.</summary>
    public static void CheckEmpty(string where, string gate, QuantizedMatrix r, int block, int hidden)
    {
        for (int i = block * hidden * hidden; i < (block + 1) * hidden * hidden; i++)
            if (r.Values[i] != 0) throw new ModelException($"{where}: the {gate} gate has no recurrent term, its integer R block must be zero");
    }
}
