namespace EdgeLstm.Core.Model;

/// <summary>
/// A stack of recurrent layers and a dense head, in float32: the reference form. The head reads
/// the last hidden state, or, with <see cref="Attention"/>, the attention-pooled hidden states.
/// </summary>
public sealed class FloatNetwork : NetworkForm<RecurrentLayer, DenseLayer, AttentionPooling>
{
    public FloatNetwork(IReadOnlyList<RecurrentLayer> layers, DenseLayer head, AttentionPooling? attention = null)
        : base(layers, head, attention) => ModelValidation.ValidateFloat(this);

    public long ParameterCount => Layers.Sum(l => l.ParameterCount) + Head.ParameterCount + (Attention?.ParameterCount ?? 0);
}
