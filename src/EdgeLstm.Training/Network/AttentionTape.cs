namespace EdgeLstm.Training.Network;

/// <summary>
/// An attention head's tape: a_τ = tanh(W h_τ + B) and e_τ = v · a_τ of every step of the chunk
/// (time-major, as the hidden sequence), which every target's pooling reads, and the per-target
/// scratch of the pooling and its backward pass (the context c, dLoss/dc, α, dα, and the score
/// layer's pre-activation gradient).
/// </summary>
internal sealed class AttentionTape<T>(int batch, int steps, int classes, int hidden, int size, int window) : HeadTape<T>(classes)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Rows of the score layer: the width of one step's activation.</summary>
    public int Size { get; } = size;

    /// <summary>e_τ per step of the chunk.</summary>
    public T[] Scores { get; } = new T[batch * steps];

    /// <summary>a_τ per step of the chunk, Size values each.</summary>
    public T[] Activations { get; } = new T[batch * steps * size];

    /// <summary>The context c and dLoss/dc of one target.</summary>
    public T[] Context { get; } = new T[hidden];
    public T[] ContextGrad { get; } = new T[hidden];

    /// <summary>α and dα over the target's window.</summary>
    public T[] Alpha { get; } = new T[window];
    public T[] AlphaGrad { get; } = new T[window];

    /// <summary>dLoss/d(W h_τ + B) of one pooled step.</summary>
    public T[] ScoreGrad { get; } = new T[size];

    public Span<T> ActivationAt(int at) => Activations.AsSpan(at * Size, Size);
}
