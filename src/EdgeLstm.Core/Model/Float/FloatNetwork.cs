namespace EdgeLstm.Core.Model;

/// <summary>
/// A stack of recurrent layers and a dense head, in float32: the reference form. The head reads
/// the last hidden state, or, with <see cref="Attention"/>, the attention-pooled hidden states.
/// </summary>
public sealed class FloatNetwork
{
    public FloatNetwork(IReadOnlyList<RecurrentLayer> layers, DenseLayer head, AttentionPooling? attention = null)
    {
        Layers = layers;
        Head = head;
        Attention = attention;
        ModelValidation.ValidateFloat(this);
    }

    public IReadOnlyList<RecurrentLayer> Layers { get; }
    public DenseLayer Head { get; }

    /// <summary>Attention pooling before the dense head, or null for the last hidden state.</summary>
    public AttentionPooling? Attention { get; }

    public HeadKind HeadKind => Attention is null ? HeadKind.Last : HeadKind.Attention;

    public int InputSize => Layers[0].InputSize;
    public int OutputSize => Head.OutputSize;
    public long MacsPerStep => Layers.Sum(l => l.MacsPerStep) + HeadMacsPerStep;

    /// <summary>The head's share of a step: the dense head, or attention amortized as <see cref="AttentionCost"/> documents.</summary>
    public long HeadMacsPerStep => Attention is { } a
        ? AttentionCost.AmortizedMacsPerStep(a.HiddenSize, a.Size, a.Steps, Head.OutputSize)
        : Head.MacsPerStep;

    /// <summary>Below <see cref="MacsPerStep"/> only where a layer skips work on some steps (Clockwork RNN).</summary>
    public double AverageMacsPerStep => Layers.Sum(l => l.AverageMacsPerStep) + HeadMacsPerStep;
    public long ParameterCount => Layers.Sum(l => l.ParameterCount) + Head.ParameterCount + (Attention?.ParameterCount ?? 0);
}

/// <summary>What the dense head classifies: `train --head last|attention`.</summary>
public enum HeadKind : byte
{
    /// <summary>The top layer's last hidden state.</summary>
    Last = 0,

    /// <summary>The attention-weighted sum of the top layer's hidden states over the window.</summary>
    Attention = 1,
}
