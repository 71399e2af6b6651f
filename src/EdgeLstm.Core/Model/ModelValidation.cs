using EdgeLstm.Core.Cells;

namespace EdgeLstm.Core.Model;

/// <summary>
/// Shape and range checks shared by constructors and the file reader; each failure names the problem.
/// The checks of kind-specific fields are the cell definitions' (<see cref="CellDefinition"/>).
/// </summary>
internal static class ModelValidation
{
    public static void ValidateFloat(FloatNetwork n)
    {
        if (n.Layers.Count == 0) throw new ModelException("model has no recurrent layer");
        int input = n.Layers[0].InputSize;
        for (int i = 0; i < n.Layers.Count; i++)
        {
            var l = n.Layers[i];
            string where = $"layer {i} ({l.VariantName})";
            if (l.InputSize != input) throw new ModelException($"{where}: input size {l.InputSize} does not match the previous layer's output {input}");
            CheckLength(where, "W", l.W.Length, l.Rows * l.InputSize);
            CheckLength(where, "R", l.R.Length, l.Rows * l.HiddenSize);
            CheckLength(where, "Wb", l.Wb.Length, l.Rows);
            CheckLength(where, "Rb", l.Rb.Length, l.Rows);
            CellRegistry.For(l.Kind).Validate(where, l, i == 0 ? null : n.Layers[i - 1]);
            if (!(l.Clip >= 0) || float.IsInfinity(l.Clip)) throw new ModelException($"{where}: clip must be a finite non-negative number");
            CheckFinite(where, "W", l.W); CheckFinite(where, "R", l.R);
            CheckFinite(where, "Wb", l.Wb); CheckFinite(where, "Rb", l.Rb);
            if (l.Peepholes is not null) CheckFinite(where, "peepholes", l.Peepholes);
            input = l.HiddenSize;
        }
        if (n.Head.InputSize != input) throw new ModelException($"head: input size {n.Head.InputSize} does not match the last layer's hidden size {input}");
        CheckFinite("head", "W", n.Head.W);
        CheckFinite("head", "B", n.Head.B);
        if (n.Attention is { } a)
        {
            CheckAttentionShape("attention", a.HiddenSize, a.Steps, input);
            CheckLength("attention", "W", a.W.Length, a.Size * a.HiddenSize);
            CheckLength("attention", "B", a.B.Length, a.Size);
            CheckLength("attention", "v", a.V.Length, a.Size);
            CheckFinite("attention", "W", a.W); CheckFinite("attention", "B", a.B); CheckFinite("attention", "v", a.V);
        }
    }

    public static void CheckAttentionShape(string where, int hidden, int steps, int topHidden)
    {
        if (hidden != topHidden) throw new ModelException($"{where}: pools {hidden} hidden units but the last layer has {topHidden}");
        if (steps < 1 || steps > AttentionPooling.MaxSteps)
            throw new ModelException($"{where}: window of {steps} steps outside [1, {AttentionPooling.MaxSteps}]");
    }

    public static void ValidateInteger(QuantizedNetwork n)
    {
        if (n.Layers.Count == 0) throw new ModelException("integer model has no recurrent layer");
        int input = n.Layers[0].InputSize;
        CheckLength("integer input", "offset", n.InputOffset.Length, input);
        CheckLength("integer input", "multiplier", n.InputMultiplier.Length, input);
        for (int i = 0; i < n.Layers.Count; i++)
        {
            var l = n.Layers[i];
            string where = $"integer layer {i} ({l.Kind})";
            if (l.InputSize != input) throw new ModelException($"{where}: input size {l.InputSize} does not match the previous layer's output {input}");
            if (l.InputSize > QFormats.MaxFanIn || l.HiddenSize > QFormats.MaxFanIn)
                throw new ModelException($"{where}: sizes above {QFormats.MaxFanIn} are not supported by the int32 accumulators");
            CheckMatrix(where, "W", l.W, l.Rows, l.InputSize);
            CheckMatrix(where, "R", l.R, l.Rows, l.HiddenSize);
            CheckLength(where, "bias", l.Bias.Length, l.Rows);
            foreach (int b in l.Bias) if (Math.Abs((long)b) > QFormats.PreWideLimit) throw new ModelException($"{where}: bias out of range");
            CellRegistry.For(l.Kind).Validate(where, l, i == 0 ? null : n.Layers[i - 1]);
            if (l.CellFracBits < QFormats.MinCellFracBits || l.CellFracBits > QFormats.MaxCellFracBits)
                throw new ModelException($"{where}: cell fraction bits {l.CellFracBits} outside [{QFormats.MinCellFracBits}, {QFormats.MaxCellFracBits}]");
            if (l.ClipQ12 < 0 || l.ClipQ12 > short.MaxValue) throw new ModelException($"{where}: clip out of range");
            input = l.HiddenSize;
        }
        CheckMatrix("integer head", "W", n.Head.W, n.Head.OutputSize, input);
        if (n.Attention is { } a)
        {
            CheckAttentionShape("integer attention", a.HiddenSize, a.Steps, input);
            if (a.Size > QFormats.MaxFanIn) throw new ModelException($"integer attention: size {a.Size} above {QFormats.MaxFanIn} is not supported by the int32 accumulators");
            CheckMatrix("integer attention", "W", a.W, a.Size, a.HiddenSize);
            CheckMatrix("integer attention", "v", a.V, 1, a.Size);
            CheckLength("integer attention", "bias", a.Bias.Length, a.Size);
            foreach (int b in a.Bias) if (Math.Abs((long)b) > QFormats.PreWideLimit) throw new ModelException("integer attention: bias out of range");
        }
    }

    internal static void CheckMatrix(string where, string name, QuantizedMatrix m, int rows, int cols)
    {
        if (m.Rows != rows || m.Cols != cols) throw new ModelException($"{where}: {name} is {m.Rows}x{m.Cols}, expected {rows}x{cols}");
        foreach (var r in m.Requant) CheckRequant($"{where} {name}", r);
    }

    internal static void CheckRequant(string where, Requantizer r)
    {
        if (r.Multiplier < 0 || r.Multiplier >= Requantizer.MultiplierLimit || r.Shift < Requantizer.MinShift || r.Shift > Requantizer.MaxShift)
            throw new ModelException($"{where}: requantizer ({r.Multiplier}, {r.Shift}) out of range");
    }

    internal static void CheckLength(string where, string name, int actual, int expected)
    {
        if (actual != expected) throw new ModelException($"{where}: {name} has {actual} values, expected {expected}");
    }

    internal static void CheckFinite(string where, string name, float[] values)
    {
        foreach (float v in values)
            if (!float.IsFinite(v)) throw new ModelException($"{where}: {name} contains a non-finite value");
    }
}
