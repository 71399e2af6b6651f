using EdgeLstm.Core.Model;
using EdgeLstm.Core.Numerics;
using EdgeLstm.Core.Quantized;

namespace EdgeLstm.Core.Quantization;

/// <summary>
/// Post-training quantization: float network plus calibration statistics in, integer network
/// out. Weights: int8, symmetric, one scale per output row (max-abs). Input: int16 with one
/// scale for all normalized channels. Cell state: int16 with a power-of-two scale covering the
/// calibrated range. Biases: Q3.12 int32. All requantization factors become integers here.
/// </summary>
public static class Quantizer
{
    /// <summary>Headroom over the calibrated ranges: live data may exceed what calibration saw.</summary>
    public sealed record Options(float InputHeadroom = 1.5f, float CellHeadroom = 1.25f);

    private const double PreScale = 1 << QFormats.PreFracBits;
    private const double HiddenScale = 1.0 / (1 << QFormats.HiddenFracBits);

    public static QuantizedNetwork Quantize(EdgeModel model, CalibrationStatistics stats, Options? options = null)
    {
        var net = model.Float ?? throw new ModelException("quantization needs the float network");
        options ??= new Options();
        float range = MathF.Max(stats.MaxAbsInput * options.InputHeadroom, 1e-3f);
        double inputScale = range / 32767.0;
        var (mean, invStd) = Normalization.From(model.Metadata, net.InputSize);
        var multiplier = invStd.Select(s => (float)(s / inputScale)).ToArray();

        var layers = new List<QuantizedRecurrentLayer>();
        double scale = inputScale;
        int lowerCellFracBits = QFormats.MaxCellFracBits;
        for (int i = 0; i < net.Layers.Count; i++)
        {
            float cellRange = stats.MaxAbsCell.Length > i ? stats.MaxAbsCell[i] * options.CellHeadroom : 1f;
            int cellFracBits = CellFracBits(cellRange);
            if (net.Layers[i].Kind == CellKind.DepthGated) cellFracBits = DepthGatedCellFracBits(cellFracBits, lowerCellFracBits);
            var layer = QuantizeLayer(net.Layers[i], scale, cellFracBits, lowerCellFracBits);
            layers.Add(layer);
            lowerCellFracBits = layer.CellFracBits;
            scale = HiddenScale;
        }
        var head = new QuantizedDense(QuantizeMatrix(net.Head.W, net.Head.OutputSize, net.Head.InputSize, HiddenScale),
            net.Head.B.Select(b => ToQ12(b)).ToArray());
        return new QuantizedNetwork(mean, multiplier, layers, head, net.Attention is null ? null : QuantizeAttention(net.Attention));
    }

    /// <summary>
    /// Attention pooling: W and v int8 per row like every matrix (their inputs, h and tanh(.), are
    /// Q15), W's requantizers giving the Q3.12 pre-activation and v's the Q.12 score; bias Q3.12.
    /// The softmax and pooling formats are fixed (docs/attention.md), so no range is calibrated here.
    /// </summary>
    public static QuantizedAttention QuantizeAttention(AttentionPooling a) => new(
        a.Steps,
        QuantizeMatrix(a.W, a.Size, a.HiddenSize, HiddenScale),
        a.B.Select(b => ToQ12(b)).ToArray(),
        QuantizeMatrix(a.V, 1, a.Size, HiddenScale));

    /// <summary>Fractional bits of the int16 cell state so that ±range fits: 15 - ceil(log2(range)), within limits.</summary>
    public static int CellFracBits(float range)
    {
        int intBits = range <= 1f ? 0 : (int)Math.Ceiling(Math.Log2(range));
        return Math.Clamp(15 - intBits, QFormats.MinCellFracBits, QFormats.MaxCellFracBits);
    }

    /// <summary>
    /// The cell format of a depth-gated layer: at least as fine as the lower layer's cell (whose
    /// grid the depth term d ⊙ c_lower, d ≤ 1, arrives on), but never narrower than ±8 (n ≤ 12:
    /// the Q3.12 range tanh reads the cell in). A depth-gated cell's calibrated range is wide
    /// because it sums the lower cells over the steps (HAPT, LSTM(32) below: lower max 42, this
    /// cell p99 65, max 410), and a format covering it rounds the cell twice a step to 2^-6, an
    /// error of 1.1e-2 in h on the first step, five times the contract's 2e-3. Beyond the lower
    /// cell's range the cell saturates instead; there h = o·tanh(c) is saturated anyway, so only
    /// how long a saturated cell takes to decay differs (measured on HAPT: decisions agree with
    /// the float reference on 99.83 % of the test windows against 99.80 % with the wide format;
    /// a streaming model pays a little more, models/lineage/README.md).
    /// </summary>
    public static int DepthGatedCellFracBits(int calibratedFracBits, int lowerCellFracBits) =>
        Math.Max(calibratedFracBits, Math.Min(lowerCellFracBits, 15 - DepthGatedMinCellIntBits));

    /// <summary>A depth-gated cell keeps at least ±2^3 = ±8: the range the engine's tanh reads (Q3.12).</summary>
    public const int DepthGatedMinCellIntBits = 3;

    private static QuantizedRecurrentLayer QuantizeLayer(RecurrentLayer l, double inputScale, int cellFracBits, int lowerCellFracBits)
    {
        int hs = l.HiddenSize;
        bool splitCandidateBias = l.Kind == CellKind.Gru && l.LinearBeforeReset;
        var bias = new int[l.Rows];
        for (int r = 0; r < l.Rows; r++)
        {
            bool candidateRow = splitCandidateBias && r >= 2 * hs;
            bias[r] = ToQ12(candidateRow ? l.Wb[r] : l.Wb[r] + l.Rb[r]);
        }
        short[]? peep = null;
        float[]? peepScales = null;
        Requantizer[]? peepRequant = null;
        if (l.Peepholes is not null)
        {
            peep = new short[3 * hs];
            peepScales = new float[3];
            peepRequant = new Requantizer[3];
            for (int g = 0; g < 3; g++)
            {
                var p = l.Peepholes.AsSpan(g * hs, hs);
                float maxAbs = MaxAbs(p);
                float s = maxAbs > 0 ? maxAbs / 32767f : 0f;
                for (int k = 0; k < hs; k++) peep[g * hs + k] = s > 0 ? (short)Math.Clamp(Math.Round(p[k] / s), -32767, 32767) : (short)0;
                peepScales[g] = s;
                peepRequant[g] = Requantizer.FromFactor(s * Math.Pow(2, -cellFracBits) * PreScale);
            }
        }
        short[]? depthPeep = null;
        float[]? depthScales = null;
        Requantizer[]? depthRequant = null;
        if (l.Depth is { } depth)
        {
            depthPeep = new short[2 * hs];
            depthScales = new float[2];
            depthRequant = new Requantizer[2];
            int[] fracBits = [cellFracBits, lowerCellFracBits];
            float[][] weights = [depth.CellWeights, depth.LowerCellWeights];
            for (int g = 0; g < 2; g++)
            {
                float s = MaxAbs(weights[g]) / 32767f;
                for (int k = 0; k < hs; k++) depthPeep[g * hs + k] = s > 0 ? (short)Math.Clamp(Math.Round(weights[g][k] / s), -32767, 32767) : (short)0;
                depthScales[g] = s;
                depthRequant[g] = Requantizer.FromFactor(s * Math.Pow(2, -fracBits[g]) * PreScale);
            }
        }
        bool hasCell = l.Cell.HasCell;
        return new QuantizedRecurrentLayer
        {
            Kind = l.Kind,
            DepthW = l.Depth is null ? null : QuantizeMatrix(l.Depth.W, hs, l.InputSize, inputScale),
            DepthBias = l.Depth?.Bias.Select(b => ToQ12(b)).ToArray(),
            DepthPeepholes = depthPeep,
            DepthPeepholeScales = depthScales,
            DepthRequant = depthRequant,
            LowerCellFracBits = l.Depth is null ? 0 : lowerCellFracBits,
            InputSize = l.InputSize,
            HiddenSize = hs,
            InputForget = l.InputForget,
            LinearBeforeReset = l.LinearBeforeReset,
            InputScale = (float)inputScale,
            W = QuantizeMatrix(l.W, l.Rows, l.InputSize, inputScale),
            R = QuantizeMatrix(l.R, l.Rows, hs, HiddenScale),
            Bias = bias,
            CandidateRecurrentBias = splitCandidateBias ? l.Rb.AsSpan(2 * hs, hs).ToArray().Select(b => ToQ12(b)).ToArray() : null,
            Peepholes = peep,
            PeepholeScales = peepScales,
            PeepholeRequant = peepRequant,
            CellFracBits = hasCell ? cellFracBits : QFormats.MaxCellFracBits,
            ClipQ12 = l.Clip > 0 ? (int)Math.Min(short.MaxValue, Math.Round(l.Clip * PreScale)) : 0,
            Periods = l.Periods?.ToArray(),
        };
    }

    /// <summary>Per-row symmetric int8 quantization; each row's requantizer maps acc * scale * inputScale to Q3.12.</summary>
    public static QuantizedMatrix QuantizeMatrix(float[] w, int rows, int cols, double inputScale)
    {
        var values = new sbyte[rows * cols];
        var scales = new float[rows];
        var requant = new Requantizer[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = w.AsSpan(r * cols, cols);
            float maxAbs = MaxAbs(row);
            float s = maxAbs / 127f;
            for (int j = 0; j < cols; j++)
                values[r * cols + j] = s > 0 ? (sbyte)Math.Clamp(Math.Round(row[j] / s), -127, 127) : (sbyte)0;
            scales[r] = s;
            requant[r] = Requantizer.FromFactor(s * inputScale * PreScale);
        }
        return new QuantizedMatrix(rows, cols, values, scales, requant);
    }

    private static int ToQ12(float v) => (int)Math.Clamp(Math.Round(v * PreScale), -QFormats.PreWideLimit, QFormats.PreWideLimit);

    private static float MaxAbs(ReadOnlySpan<float> values)
    {
        float m = 0;
        foreach (float v in values) m = MathF.Max(m, MathF.Abs(v));
        return m;
    }
}
