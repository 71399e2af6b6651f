namespace EdgeLstm.Core.Model;

/// <summary>
/// The integer form of a network. A raw sample enters as
/// q[j] = saturate16(round_half_even((x[j] - InputOffset[j]) * InputMultiplier[j])),
/// the one float operation of the integer engine, at its boundary (two IEEE operations per
/// channel, identical on every platform); from there on everything is integer.
/// </summary>
public sealed class QuantizedNetwork : NetworkForm<QuantizedRecurrentLayer, QuantizedDense, QuantizedAttention>
{
    public QuantizedNetwork(float[] inputOffset, float[] inputMultiplier, IReadOnlyList<QuantizedRecurrentLayer> layers, QuantizedDense head,
        QuantizedAttention? attention = null)
        : base(layers, head, attention)
    {
        (InputOffset, InputMultiplier) = (inputOffset, inputMultiplier);
        ModelValidation.ValidateInteger(this);
    }

    public float[] InputOffset { get; }
    public float[] InputMultiplier { get; }
    public long WeightBytes => Layers.Sum(l => l.WeightBytes) + Head.W.Values.Length + 16L * Head.OutputSize + (Attention?.WeightBytes ?? 0);

    /// <summary>
    /// The float network with this network's rounded weights and biases: the float engine run on it
    /// isolates the error of the weights' rounding from that of the integer arithmetic.
    /// </summary>
    public FloatNetwork Dequantize() => new(Layers.Select(l => l.Dequantize()).ToList(), Head.Dequantize(), Attention?.Dequantize());
}
