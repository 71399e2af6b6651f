namespace EdgeLstm.Core.Model;

/// <summary>
/// A network in either of its forms, float (<see cref="FloatNetwork"/>) or integer
/// (<see cref="QuantizedNetwork"/>): the recurrent stack, the dense head and the optional attention
/// pooling, with the sizes and per-step costs that follow from their shapes alone, so both forms
/// count them alike.
/// </summary>
public abstract class NetworkForm<TLayer, THead, TAttention>(IReadOnlyList<TLayer> layers, THead head, TAttention? attention)
    where TLayer : ILayerShape
    where THead : IHeadShape
    where TAttention : class, IAttentionShape
{
    public IReadOnlyList<TLayer> Layers { get; } = layers;
    public THead Head { get; } = head;

    /// <summary>Attention pooling before the dense head, or null for the last hidden state.</summary>
    public TAttention? Attention { get; } = attention;

    public HeadKind HeadKind => Attention is null ? HeadKind.Last : HeadKind.Attention;
    public int InputSize => Layers[0].InputSize;
    public int OutputSize => Head.OutputSize;
    public long MacsPerStep => Layers.Sum(l => l.MacsPerStep) + HeadMacsPerStep;

    /// <summary>Below <see cref="MacsPerStep"/> only where a layer skips work on some steps (Clockwork RNN).</summary>
    public double AverageMacsPerStep => Layers.Sum(l => l.AverageMacsPerStep) + HeadMacsPerStep;

    /// <summary>The head's share of a step: the dense head, or attention amortized as <see cref="AttentionCost"/> documents.</summary>
    public long HeadMacsPerStep => Attention is { } a
        ? AttentionCost.AmortizedMacsPerStep(a.HiddenSize, a.Size, a.Steps, Head.OutputSize)
        : (long)Head.InputSize * Head.OutputSize;
}
