using EdgeLstm.Core.Numerics;
using EdgeLstm.Core.Quantized;

namespace EdgeLstm.Core.Model;

/// <summary>Shape and range checks shared by constructors and the file reader; each failure names the problem.</summary>
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
            if (l.Peepholes is not null)
            {
                if (l.Kind != CellKind.Lstm) throw new ModelException($"{where}: peepholes are only defined for LSTM");
                CheckLength(where, "peepholes", l.Peepholes.Length, 3 * l.HiddenSize);
            }
            if (l.InputForget && l.Kind != CellKind.Lstm) throw new ModelException($"{where}: input_forget is only defined for LSTM");
            CheckClockwork(where, l.Kind, l.HiddenSize, l.Periods);
            CheckDepthGated(where, l.Kind, l.Depth is not null, i == 0 ? null : n.Layers[i - 1].Kind, i == 0 ? 0 : n.Layers[i - 1].HiddenSize, l.HiddenSize);
            if (l.Depth is { } depth)
            {
                CheckLength(where, "depth gate W", depth.W.Length, l.HiddenSize * l.InputSize);
                CheckLength(where, "depth gate bias", depth.Bias.Length, l.HiddenSize);
                CheckLength(where, "depth gate cell weights", depth.CellWeights.Length, l.HiddenSize);
                CheckLength(where, "depth gate lower cell weights", depth.LowerCellWeights.Length, l.HiddenSize);
                CheckFinite(where, "depth gate W", depth.W); CheckFinite(where, "depth gate bias", depth.Bias);
                CheckFinite(where, "depth gate cell weights", depth.CellWeights); CheckFinite(where, "depth gate lower cell weights", depth.LowerCellWeights);
            }
            if (l.Kind == CellKind.Clockwork)
            {
                // Module i reads only modules i.. (at least as slow): the blocks below the diagonal must be empty.
                int k = l.ModuleSize;
                for (int r = 0; r < l.HiddenSize; r++)
                    for (int c = 0; c < r / k * k; c++)
                        if (l.R[r * l.HiddenSize + c] != 0)
                            throw new ModelException($"{where}: R[{r},{c}] connects a slower module to a faster one's input; Clockwork RNN allows only fast-from-slow connections");
            }
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
            if (l.Kind == CellKind.Gru && l.LinearBeforeReset)
            {
                if (l.CandidateRecurrentBias is null) throw new ModelException($"{where}: GRU with linear_before_reset needs its candidate recurrent bias");
                CheckLength(where, "candidate recurrent bias", l.CandidateRecurrentBias.Length, l.HiddenSize);
            }
            if (l.Peepholes is not null)
            {
                if (l.Kind != CellKind.Lstm) throw new ModelException($"{where}: peepholes are only defined for LSTM");
                CheckLength(where, "peepholes", l.Peepholes.Length, 3 * l.HiddenSize);
                if (l.PeepholeScales?.Length != 3 || l.PeepholeRequant?.Length != 3) throw new ModelException($"{where}: peepholes need three scales and requantizers");
                foreach (var r in l.PeepholeRequant) CheckRequant(where, r);
            }
            CheckClockwork(where, l.Kind, l.HiddenSize, l.Periods);
            CheckDepthGated(where, l.Kind, l.DepthW is not null, i == 0 ? null : n.Layers[i - 1].Kind, i == 0 ? 0 : n.Layers[i - 1].HiddenSize, l.HiddenSize);
            if (l.DepthW is not null)
            {
                CheckMatrix(where, "depth gate W", l.DepthW, l.HiddenSize, l.InputSize);
                CheckLength(where, "depth gate bias", l.DepthBias?.Length ?? -1, l.HiddenSize);
                CheckLength(where, "depth gate cell weights", l.DepthPeepholes?.Length ?? -1, 2 * l.HiddenSize);
                if (l.DepthRequant?.Length != 2) throw new ModelException($"{where}: the depth gate needs two requantizers");
                foreach (var r in l.DepthRequant) CheckRequant(where, r);
                if (l.LowerCellFracBits != n.Layers[i - 1].CellFracBits)
                    throw new ModelException($"{where}: the depth gate was quantized for a lower cell format of {l.LowerCellFracBits} fraction bits, the layer below has {n.Layers[i - 1].CellFracBits}");
            }
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

    private static void CheckMatrix(string where, string name, QuantizedMatrix m, int rows, int cols)
    {
        if (m.Rows != rows || m.Cols != cols) throw new ModelException($"{where}: {name} is {m.Rows}x{m.Cols}, expected {rows}x{cols}");
        foreach (var r in m.Requant) CheckRequant($"{where} {name}", r);
    }

    private static void CheckRequant(string where, Requantizer r)
    {
        if (r.Multiplier < 0 || r.Multiplier >= Requantizer.MultiplierLimit || r.Shift < Requantizer.MinShift || r.Shift > Requantizer.MaxShift)
            throw new ModelException($"{where}: requantizer ({r.Multiplier}, {r.Shift}) out of range");
    }

    private static void CheckLength(string where, string name, int actual, int expected)
    {
        if (actual != expected) throw new ModelException($"{where}: {name} has {actual} values, expected {expected}");
    }

    private static void CheckFinite(string where, string name, float[] values)
    {
        foreach (float v in values)
            if (!float.IsFinite(v)) throw new ModelException($"{where}: {name} contains a non-finite value");
    }

    public static void CheckClockwork(string where, CellKind kind, int hiddenSize, int[]? periods)
    {
        if (kind != CellKind.Clockwork)
        {
            if (periods is not null) throw new ModelException($"{where}: periods are only defined for Clockwork RNN");
            return;
        }
        if (periods is null || periods.Length == 0) throw new ModelException($"{where}: Clockwork RNN needs module periods");
        if (hiddenSize % periods.Length != 0)
            throw new ModelException($"{where}: {hiddenSize} units do not split into {periods.Length} equal modules");
        for (int i = 0; i < periods.Length; i++)
            if (periods[i] < 1 || (i > 0 && periods[i] <= periods[i - 1]))
                throw new ModelException($"{where}: module periods must be positive and strictly increasing ({string.Join(",", periods)})");
    }

    public static void CheckDepthGated(string where, CellKind kind, bool hasGate, CellKind? lowerKind, int lowerHidden, int hidden)
    {
        if (kind != CellKind.DepthGated)
        {
            if (hasGate) throw new ModelException($"{where}: a depth gate is only defined for depth-gated LSTM");
            return;
        }
        if (!hasGate) throw new ModelException($"{where}: depth-gated LSTM needs its depth gate");
        if (lowerKind is not { } lower || !Gates.HasCell(lower))
            throw new ModelException($"{where}: a depth-gated layer reads the memory cell of the layer below, which must be an LSTM or depth-gated layer");
        if (lowerHidden != hidden)
            throw new ModelException($"{where}: {hidden} units cannot gate the {lowerHidden} cells of the layer below; sizes must match");
    }
}
