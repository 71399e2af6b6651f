using System.Numerics;

namespace EdgeLstm.Training.Network;

/// <summary>
/// An attention head's tape: a_τ = tanh(W h_τ + B) and e_τ = v · a_τ of every step of the chunk
/// (time-major, as the hidden sequence), which every target's pooling reads, and the per-target
/// scratch of the pooling and its backward pass (the context c, dLoss/dc, α, dα, and the score
/// layer's pre-activation gradient).
/// </summary>
internal sealed class AttentionTape<T> : HeadTape<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public AttentionTape(int batch, int steps, int classes, int hidden, int size, int window) : base(classes)
    {
        Size = size;
        Scores = new T[batch * steps];
        Activations = new T[batch * steps * size];
        Context = new T[hidden];
        ContextGrad = new T[hidden];
        Alpha = new T[window];
        AlphaGrad = new T[window];
        ScoreGrad = new T[size];
    }

    /// <summary>Rows of the score layer: the width of one step's activation.</summary>
    public int Size { get; }

    /// <summary>e_τ per step of the chunk.</summary>
    public T[] Scores { get; }

    /// <summary>a_τ per step of the chunk, Size values each.</summary>
    public T[] Activations { get; }

    public T[] Context { get; }
    public T[] ContextGrad { get; }
    public T[] Alpha { get; }
    public T[] AlphaGrad { get; }

    /// <summary>dLoss/d(W h_τ + B) of one pooled step.</summary>
    public T[] ScoreGrad { get; }

    public Span<T> ActivationAt(int at) => Activations.AsSpan(at * Size, Size);
}
