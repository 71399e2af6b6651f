using EdgeLstm.Core.Cells;

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

    internal const double PreScale = 1 << QFormats.PreFracBits;
    internal const double HiddenScale = 1.0 / (1 << QFormats.HiddenFracBits);

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
            int cellFracBits = net.Layers[i].Definition.QuantizedCellFracBits(CellFracBits(cellRange), lowerCellFracBits);
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

    /// <summary>
    /// A layer's shared parts: W and R per row, the bias Wb + Rb in Q3.12, the clip in Q3.12; its
    /// kind's definition quantizes what is particular to it (<see cref="CellDefinition.Quantize"/>).
    /// </summary>
    private static QuantizedRecurrentLayer QuantizeLayer(RecurrentLayer l, double inputScale, int cellFracBits, int lowerCellFracBits)
    {
        var bias = new int[l.Rows];
        for (int r = 0; r < l.Rows; r++) bias[r] = ToQ12(l.Wb[r] + l.Rb[r]);
        var fields = new IntegerLayerFields();
        l.Definition.Quantize(l, inputScale, cellFracBits, lowerCellFracBits, bias, fields);
        return new QuantizedRecurrentLayer
        {
            Kind = l.Kind,
            DepthW = fields.DepthW,
            DepthBias = fields.DepthBias,
            DepthPeepholes = fields.DepthPeepholes,
            DepthPeepholeScales = fields.DepthPeepholeScales,
            DepthRequant = fields.DepthRequant,
            LowerCellFracBits = fields.LowerCellFracBits,
            InputSize = l.InputSize,
            HiddenSize = l.HiddenSize,
            InputForget = l.InputForget,
            LinearBeforeReset = l.LinearBeforeReset,
            InputScale = (float)inputScale,
            W = QuantizeMatrix(l.W, l.Rows, l.InputSize, inputScale),
            R = QuantizeMatrix(l.R, l.Rows, l.HiddenSize, HiddenScale),
            Bias = bias,
            CandidateRecurrentBias = fields.CandidateRecurrentBias,
            Peepholes = fields.Peepholes,
            PeepholeScales = fields.PeepholeScales,
            PeepholeRequant = fields.PeepholeRequant,
            CellFracBits = cellFracBits,
            ClipQ12 = l.Clip > 0 ? (int)Math.Min(short.MaxValue, Math.Round(l.Clip * PreScale)) : 0,
            Periods = fields.Periods,
        };
    }

    /// <summary>
    /// Elementwise weights to int16 with one scale (max-abs / 32767) and the requantizer of their
    /// product with a cell of cellFracBits fraction bits to Q3.12 (peepholes, the depth gate's cell weights).
    /// </summary>
    internal static (float Scale, Requantizer Requant) QuantizeCellWeights(ReadOnlySpan<float> weights, short[] destination, int offset, int cellFracBits)
    {
        float maxAbs = MaxAbs(weights);
        float s = maxAbs > 0 ? maxAbs / 32767f : 0f;
        for (int k = 0; k < weights.Length; k++) destination[offset + k] = s > 0 ? (short)Math.Clamp(Math.Round(weights[k] / s), -32767, 32767) : (short)0;
        return (s, Requantizer.FromFactor(s * Math.Pow(2, -cellFracBits) * PreScale));
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

    internal static int ToQ12(float v) => (int)Math.Clamp(Math.Round(v * PreScale), -QFormats.PreWideLimit, QFormats.PreWideLimit);

    private static float MaxAbs(ReadOnlySpan<float> values)
    {
        float m = 0;
        foreach (float v in values) m = MathF.Max(m, MathF.Abs(v));
        return m;
    }
}
