using EdgeLstm.Core;
using EdgeLstm.Core.Cells;

namespace EdgeLstm.Training.Optimization;

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
    /// <summary>Cell variant of every layer: rnn, lstm, peephole, cifg, gru, gru-lbr0, clockwork, depth-gated (over a first LSTM layer).</summary>
    public string Cell { get; init; } = "lstm";
    public int Hidden { get; init; } = 32;

    /// <summary>Clockwork only: the module periods (strictly increasing; equal modules); null: 1, 2, 4, ... (Core's default).</summary>
    public IReadOnlyList<int>? Periods { get; init; }
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

    /// <summary>Windowed mode: random variations of the training windows (shift, gain, rotation, noise).</summary>
    public AugmentationOptions Augmentation { get; init; } = new();

    /// <summary>
    /// Windowed mode: how many of a window's last steps carry its label in the training loss
    /// (1: only the last, where the engines classify). More gives every window more supervision;
    /// validation and evaluation still score the last step only.
    /// </summary>
    public int LabelSteps { get; init; } = 1;

    /// <summary>
    /// Windowed mode: train on every window whose last sample is labelled, labelled by that sample
    /// (also windows that straddle a change of activity), instead of only windows inside one
    /// segment. A stream's latest window then names the activity now, not the one before.
    /// </summary>
    public bool LabelByLastSample { get; init; }

    /// <summary>
    /// The hop the model file declares: the daemon re-runs the window every this many samples
    /// (0: the training hop). A shorter hop reacts sooner to a change of activity.
    /// </summary>
    public int ModelHop { get; init; }

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
        if (Periods is not null)
        {
            if (!CellRegistry.ForVariant(Cell)!.TakesPeriods)
                throw new ArgumentException($"periods apply to the {string.Join(", ", CellRegistry.All.Where(c => c.TakesPeriods).SelectMany(c => c.Variants))} cell only");
            if (Periods.Count == 0 || Hidden % Periods.Count != 0)
                throw new ArgumentException($"periods: {Hidden} hidden units do not split into {Periods.Count} equal modules");
            for (int i = 0; i < Periods.Count; i++)
                if (Periods[i] < 1 || (i > 0 && Periods[i] <= Periods[i - 1]))
                    throw new ArgumentException($"periods must be positive and strictly increasing ({string.Join(",", Periods)})");
        }
        if (CellRegistry.ForVariant(Cell)!.FirstLayerVariant is { } first && Layers < 2)
            throw new ArgumentException($"a {Cell} stack needs at least 2 layers: the first is a plain {first} layer whose cell the layer above reads");
        if (Window < 1 || Hop < 1 || Chunk < 1) throw new ArgumentException("window, hop and chunk must be positive");
        if (!(LearningRate > 0)) throw new ArgumentException("learning rate must be positive");
        if (Patience < 0) throw new ArgumentException("patience must not be negative");
        if (ValidationFraction is < 0 or >= 1) throw new ArgumentException("validation fraction must be in [0, 1)");
        if (LabelSteps < 1 || LabelSteps > Window) throw new ArgumentException("label steps must be between 1 and the window");
        if (ModelHop < 0) throw new ArgumentException("model hop must not be negative");
        if (Mode == ClassificationMode.Windowed && WindowSchedule.Problem(Window, ModelHop > 0 ? ModelHop : Hop) is { } schedule)
            throw new ArgumentException($"{schedule} (the model declares --model-hop, default --hop; give one of at most --window)");
        Augmentation.Validate();

        if (Head == HeadKind.Attention && Mode != ClassificationMode.Windowed)
            throw new ArgumentException("the attention head pools over a window of hidden states: it needs --mode windowed");
        if (Head == HeadKind.Attention && Window > AttentionPooling.MaxSteps)
            throw new ArgumentException($"the attention head buffers at most {AttentionPooling.MaxSteps} steps; the window is {Window}");
        if (AttentionSize < 0) throw new ArgumentException("attention size must not be negative");
    }
}
