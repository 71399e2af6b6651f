namespace EdgeLstm.Core.Model;

/// <summary>
/// What a model file holds: metadata, and the float network, its integer form, or both
/// (DESIGN.md section 4). Training and eval use the float part; the daemon runs the integer part.
/// </summary>
public sealed class EdgeModel
{
    public EdgeModel(ModelMetadata metadata, FloatNetwork? floatNetwork, QuantizedNetwork? integerNetwork)
    {
        if (floatNetwork is null && integerNetwork is null) throw new ModelException("model holds neither a float nor an integer network");
        if (floatNetwork is not null && integerNetwork is not null &&
            (floatNetwork.InputSize != integerNetwork.InputSize || floatNetwork.OutputSize != integerNetwork.OutputSize))
            throw new ModelException("float and integer networks disagree on input or output size");
        if (floatNetwork is not null && integerNetwork is not null && floatNetwork.HeadKind != integerNetwork.HeadKind)
            throw new ModelException($"float and integer networks disagree on the head ({floatNetwork.HeadKind} against {integerNetwork.HeadKind})");
        Metadata = metadata;
        Float = floatNetwork;
        Integer = integerNetwork;
        if (metadata.Labels.Count != 0 && metadata.Labels.Count != OutputSize)
            throw new ModelException($"metadata names {metadata.Labels.Count} labels but the network has {OutputSize} outputs");
        if (metadata.Channels.Count != 0 && metadata.Channels.Count != InputSize)
            throw new ModelException($"metadata names {metadata.Channels.Count} channels but the network takes {InputSize} inputs");
        if (metadata.Mode == ClassificationMode.Windowed && WindowSchedule.Problem(metadata.Window, metadata.Hop) is { } window)
            throw new ModelException(window);
        int? attentionSteps = floatNetwork?.Attention?.Steps ?? integerNetwork?.Attention?.Steps;
        if (attentionSteps is { } steps)
        {
            if (integerNetwork?.Attention is { } qa && floatNetwork?.Attention is { } fa && (qa.Steps != fa.Steps || qa.Size != fa.Size))
                throw new ModelException("float and integer attention heads disagree on their window or size");
            // Attention pools the hidden states of one window; a streaming model has no window to pool
            // over (its state runs on for ever), so it is refused rather than given a made-up meaning.
            if (metadata.Mode != ClassificationMode.Windowed)
                throw new ModelException("an attention head pools over a window of hidden states: the model must be windowed (train it with --mode windowed), this one says streaming");
            if (metadata.Window < 1 || metadata.Window > steps)
                throw new ModelException($"the model's window of {metadata.Window} samples does not fit its attention head's buffer of {steps} steps");
        }
    }

    public HeadKind HeadKind => Float?.HeadKind ?? Integer!.HeadKind;

    public ModelMetadata Metadata { get; }
    public FloatNetwork? Float { get; }
    public QuantizedNetwork? Integer { get; }

    public int InputSize => Float?.InputSize ?? Integer!.InputSize;
    public int OutputSize => Float?.OutputSize ?? Integer!.OutputSize;

    /// <summary>The same model without its float part, for deployment.</summary>
    public EdgeModel StripFloat() => new(Metadata, null, Integer ?? throw new ModelException("model has no integer form to keep"));

    public FloatSession CreateFloatSession() =>
        new(Float ?? throw new ModelException("model has no float network (it was stripped for deployment)"), Metadata);

    public IntegerSession CreateIntegerSession(KernelChoice kernels = KernelChoice.Auto) =>
        new(Integer ?? throw new ModelException("model has no integer form; run `edgelstm quantize` first"), kernels);

    public IClassifierSession CreateSession(EngineKind engine, KernelChoice kernels = KernelChoice.Auto) =>
        engine == EngineKind.Float ? CreateFloatSession() : CreateIntegerSession(kernels);
}

public enum EngineKind { Integer, Float }
