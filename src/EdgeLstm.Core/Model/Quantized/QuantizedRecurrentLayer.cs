using EdgeLstm.Core.Cells;

namespace EdgeLstm.Core.Model;

/// <summary>
/// The integer form of a recurrent layer (docs/numerics.md): int8 W and R with per-row scales,
/// int32 Q3.12 biases, int16 peepholes with one scale per gate, the cell state's power-of-two
/// scale, and the clip threshold in Q3.12. Everything the per-step code needs is an integer.
/// </summary>
public sealed class QuantizedRecurrentLayer : ILayerShape
{
    public required CellKind Kind { get; init; }
    public required int InputSize { get; init; }
    public required int HiddenSize { get; init; }
    public bool InputForget { get; init; }
    public bool LinearBeforeReset { get; init; } = true;

    /// <summary>Real value of one unit of this layer's int16 input (2^-15 for layers fed by a hidden state).</summary>
    public required float InputScale { get; init; }

    public required QuantizedMatrix W { get; init; }
    public required QuantizedMatrix R { get; init; }

    /// <summary>Q3.12 per row: Wb + Rb, except the GRU candidate rows with linear_before_reset = 1, which hold Wb only.</summary>
    public required int[] Bias { get; init; }

    /// <summary>GRU with linear_before_reset = 1: Rbh in Q3.12 [H], added inside the reset gate's product.</summary>
    public int[]? CandidateRecurrentBias { get; init; }

    /// <summary>LSTM peepholes [3H] (i, o, f) in int16; real = value * PeepholeScales[gate].</summary>
    public short[]? Peepholes { get; init; }
    public float[]? PeepholeScales { get; init; }

    /// <summary>Per gate (i, o, f): the int32 product peephole * cell to Q3.12.</summary>
    public Requantizer[]? PeepholeRequant { get; init; }

    /// <summary>LSTM: the cell state is int16 with this many fractional bits (range ±2^(15-n)).</summary>
    public int CellFracBits { get; init; } = QFormats.MaxCellFracBits;

    /// <summary>Clip threshold in Q3.12, 0 for none.</summary>
    public int ClipQ12 { get; init; }

    /// <summary>Clockwork only: module periods (see <see cref="CellKind.Clockwork"/>).</summary>
    public int[]? Periods { get; init; }

    /// <summary>Depth-gated LSTM only: the depth gate's W [H, I], int8 per row, same input scale as W.</summary>
    public QuantizedMatrix? DepthW { get; init; }

    /// <summary>Depth gate bias in Q3.12.</summary>
    public int[]? DepthBias { get; init; }

    /// <summary>Depth gate elementwise weights [2H]: on the own previous cell, then on the lower layer's cell; int16.</summary>
    public short[]? DepthPeepholes { get; init; }
    public float[]? DepthPeepholeScales { get; init; }

    /// <summary>Depth gate: weight * cell products to Q3.12, own cell then lower cell (whose format is <see cref="LowerCellFracBits"/>).</summary>
    public Requantizer[]? DepthRequant { get; init; }

    /// <summary>Depth-gated: the cell format of the layer below this layer was quantized against.</summary>
    public int LowerCellFracBits { get; init; }

    public int ModuleSize => Periods is { Length: > 0 } p ? HiddenSize / p.Length : HiddenSize;

    /// <summary>What is particular to the layer's kind.</summary>
    public CellDefinition Definition => CellRegistry.For(Kind);

    public int Rows => Definition.GateCount * HiddenSize;
    public string VariantName => Definition.VariantName(Peepholes is not null, InputForget, LinearBeforeReset);
    public long MacsPerStep => Definition.PeakMacs(InputSize, HiddenSize, Peepholes is not null, Periods);
    public double AverageMacsPerStep => Definition.AverageMacs(InputSize, HiddenSize, Peepholes is not null, Periods);
    public long WeightBytes => W.Values.Length + R.Values.Length + 4L * Bias.Length + 2L * (Peepholes?.Length ?? 0)
        + 4L * (CandidateRecurrentBias?.Length ?? 0) + 12L * (W.Rows + R.Rows)
        + (DepthW is null ? 0 : DepthW.Values.Length + 12L * DepthW.Rows + 4L * HiddenSize + 4L * HiddenSize);

    /// <summary>The float layer this integer layer stands for, with dequantized weights.</summary>
    public RecurrentLayer Dequantize()
    {
        var l = ToFloatShape();
        W.Dequantize().CopyTo(l.W, 0);
        R.Dequantize().CopyTo(l.R, 0);
        int hs = HiddenSize;
        for (int r = 0; r < Rows; r++) l.Wb[r] = Bias[r] / 4096f;
        if (CandidateRecurrentBias is not null)
            for (int k = 0; k < hs; k++) l.Rb[2 * hs + k] = CandidateRecurrentBias[k] / 4096f;
        if (Peepholes is not null && PeepholeScales is not null)
        {
            l.Peepholes = new float[3 * hs];
            for (int k = 0; k < 3 * hs; k++) l.Peepholes[k] = Peepholes[k] * PeepholeScales[k / hs];
        }
        if (l.Depth is { } d)
        {
            DepthW!.Dequantize().CopyTo(d.W, 0);
            for (int k = 0; k < hs; k++)
            {
                d.Bias[k] = DepthBias![k] / 4096f;
                d.CellWeights[k] = DepthPeepholes![k] * DepthPeepholeScales![0];
                d.LowerCellWeights[k] = DepthPeepholes[hs + k] * DepthPeepholeScales[1];
            }
        }
        return l;
    }

    /// <summary>A zero-weight float layer of this layer's kind (made by its definition, with the kind's own parts) and options.</summary>
    private RecurrentLayer ToFloatShape()
    {
        var l = Definition.CreateLayer(Definition.Variants[0], InputSize, HiddenSize);
        l.InputForget = InputForget;
        l.LinearBeforeReset = LinearBeforeReset;
        l.Clip = ClipQ12 / 4096f;
        l.Peepholes = Peepholes is null ? null : new float[3 * HiddenSize];
        l.Periods = Periods?.ToArray();
        return l;
    }
}
