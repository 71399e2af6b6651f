using EdgeLstm.Core.Model;

namespace EdgeLstm.Core.Model;

/// <summary>
/// The integer form of a network. A raw sample enters as
/// q[j] = saturate16(round_half_even((x[j] - InputOffset[j]) * InputMultiplier[j])),
/// the one float operation of the integer engine, at its boundary (two IEEE operations per
/// channel, identical on every platform); from there on everything is integer.
/// </summary>
public sealed class QuantizedNetwork
{
    public QuantizedNetwork(float[] inputOffset, float[] inputMultiplier, IReadOnlyList<QuantizedRecurrentLayer> layers, QuantizedDense head,
        QuantizedAttention? attention = null)
    {
        InputOffset = inputOffset;
        InputMultiplier = inputMultiplier;
        Layers = layers;
        Head = head;
        Attention = attention;
        ModelValidation.ValidateInteger(this);
    }

    public float[] InputOffset { get; }
    public float[] InputMultiplier { get; }
    public IReadOnlyList<QuantizedRecurrentLayer> Layers { get; }
    public QuantizedDense Head { get; }

    /// <summary>Attention pooling before the dense head, or null for the last hidden state.</summary>
    public QuantizedAttention? Attention { get; }

    public HeadKind HeadKind => Attention is null ? HeadKind.Last : HeadKind.Attention;

    public int InputSize => Layers[0].InputSize;
    public int OutputSize => Head.OutputSize;
    public long MacsPerStep => Layers.Sum(l => l.MacsPerStep) + HeadMacsPerStep;
    public double AverageMacsPerStep => Layers.Sum(l => l.AverageMacsPerStep) + HeadMacsPerStep;
    public long WeightBytes => Layers.Sum(l => l.WeightBytes) + Head.W.Values.Length + 16L * Head.OutputSize + (Attention?.WeightBytes ?? 0);

    /// <summary>The head's share of a step, as <see cref="FloatNetwork.HeadMacsPerStep"/>.</summary>
    public long HeadMacsPerStep => Attention is { } a
        ? AttentionCost.AmortizedMacsPerStep(a.HiddenSize, a.Size, a.Steps, Head.OutputSize)
        : (long)Head.InputSize * Head.OutputSize;

    /// <summary>
    /// The float network with this network's rounded weights and biases: the float engine run on it
    /// isolates the error of the weights' rounding from that of the integer arithmetic.
    /// </summary>
    public FloatNetwork Dequantize() => new(Layers.Select(l => l.Dequantize()).ToList(), Head.Dequantize(), Attention?.Dequantize());
}
