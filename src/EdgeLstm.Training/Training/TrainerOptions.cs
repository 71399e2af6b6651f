using EdgeLstm.Core.Model;

namespace EdgeLstm.Training.Training;

/// <summary>How to weight classes in the loss.</summary>
public enum ClassWeighting
{
    /// <summary>Every labelled target counts once.</summary>
    None,

    /// <summary>w_c = N / (C * n_c): each class contributes equally in total.</summary>
    Balanced,
}

/// <summary>Everything that determines a training run (with the data, it determines the model bytes).</summary>
public sealed record TrainerOptions
{
    /// <summary>Cell variant of every layer: rnn, lstm, peephole, cifg, gru, gru-lbr0.</summary>
    public string Cell { get; init; } = "lstm";
    public int Hidden { get; init; } = 32;
    public int Layers { get; init; } = 2;
    public int Epochs { get; init; } = 30;
    public int Seed { get; init; } = 1;

    /// <summary>Windowed: a window of Window samples → one label at its end. Streaming: truncated BPTT over recordings.</summary>
    public ClassificationMode Mode { get; init; } = ClassificationMode.Windowed;
    public int Window { get; init; } = 128;
    public int Hop { get; init; } = 64;

    /// <summary>Streaming: steps per truncated-BPTT chunk (state carried across chunks, gradients not).</summary>
    public int Chunk { get; init; } = 128;

    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Windows per minibatch (windowed) or parallel lanes of recordings (streaming).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Stop after this many epochs without a better validation accuracy (0: never stop early).</summary>
    public int Patience { get; init; } = 8;

    public ClassWeighting Weighting { get; init; } = ClassWeighting.None;

    /// <summary>Explicit per-class weights (overrides <see cref="Weighting"/>).</summary>
    public IReadOnlyList<float>? ClassWeights { get; init; }

    /// <summary>AdamW decoupled weight decay on weight matrices (not biases).</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Global gradient-norm clip (0: none).</summary>
    public double GradientClip { get; init; } = 1.0;

    /// <summary>Cosine decay of the learning rate to 5% over the epochs; else constant.</summary>
    public bool CosineSchedule { get; init; } = true;

    /// <summary>Fraction of the training recordings held out for early stopping when no validation set is given.</summary>
    public double ValidationFraction { get; init; } = 0.15;

    /// <summary>ONNX clip of the cells' pre-activations (0: none).</summary>
    public float CellClip { get; init; }

    /// <summary>Chrono initialization of the gate biases for dependencies up to this many steps (0: off).</summary>
    public int ChronoLag { get; init; }

    /// <summary>What the dense head classifies: the last hidden state, or attention over the window's hidden states (windowed only).</summary>
    public HeadKind Head { get; init; } = HeadKind.Last;

    /// <summary>Attention head: rows of the score's hidden layer (0: the hidden size).</summary>
    public int AttentionSize { get; init; }

    /// <summary>
    /// The fixed number of shards a minibatch is split into. It is part of the result (summation
    /// order), so it is a constant of the run, never the machine's core count.
    /// </summary>
    public int Shards { get; init; } = 2;

    public void Validate()
    {
        if (!CellVariant.Names.Contains(Cell)) throw new ArgumentException($"unknown cell '{Cell}' (expected one of {string.Join(", ", CellVariant.Names)})");
        if (Hidden < 1 || Layers < 1 || Epochs < 1 || BatchSize < 1 || Shards < 1) throw new ArgumentException("hidden, layers, epochs, batch and shards must be positive");
        if (Window < 1 || Hop < 1 || Chunk < 1) throw new ArgumentException("window, hop and chunk must be positive");
        if (!(LearningRate > 0)) throw new ArgumentException("learning rate must be positive");
        if (Patience < 0) throw new ArgumentException("patience must not be negative");
        if (ValidationFraction is < 0 or >= 1) throw new ArgumentException("validation fraction must be in [0, 1)");
        if (Head == HeadKind.Attention && Mode != ClassificationMode.Windowed)
            throw new ArgumentException("the attention head pools over a window of hidden states: it needs --mode windowed");
        if (Head == HeadKind.Attention && Window > AttentionPooling.MaxSteps)
            throw new ArgumentException($"the attention head buffers at most {AttentionPooling.MaxSteps} steps; the window is {Window}");
        if (AttentionSize < 0) throw new ArgumentException("attention size must not be negative");
    }
}
