namespace EdgeLstm.Core.Model;

/// <summary>
/// Attention pooling over the top layer's hidden states, the head kind of windowed models
/// (issue 8, after the soft attention of Xu et al. 2015 and the additive score of Bahdanau et
/// al. 2015), in float32. Over the hidden states h_1..h_n since the last reset (at most
/// <see cref="Steps"/> of them, the newest kept):
///   e_t = v · tanh(W h_t + B),  α = softmax(e),  context = Σ_t α_t h_t,
/// and the dense head classifies the context instead of the last hidden state.
/// W is [Size, HiddenSize] row-major; B and V are [Size]. docs/attention.md has the equations,
/// the integer form and the cost model.
/// </summary>
public sealed class AttentionPooling : IAttentionShape
{
    /// <summary>The longest window the engines buffer (int32 bounds of the integer pooling, docs/attention.md).</summary>
    public const int MaxSteps = 4096;

    public AttentionPooling(int hiddenSize, int size, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        (HiddenSize, Size, Steps) = (hiddenSize, size, steps);
        (W, B, V) = (new float[size * hiddenSize], new float[size], new float[size]);
    }

    /// <summary>Width of the hidden states it pools (the top layer's hidden size).</summary>
    public int HiddenSize { get; }

    /// <summary>Width of the score's hidden layer (rows of W).</summary>
    public int Size { get; }

    /// <summary>How many hidden states the sessions buffer: the window the model was trained on.</summary>
    public int Steps { get; }

    public float[] W { get; }
    public float[] B { get; }
    public float[] V { get; }

    public long ParameterCount => W.Length + B.Length + V.Length;

    /// <summary>Multiply-accumulates of scoring one hidden state (every step): W h_t and v · tanh(.).</summary>
    public long ScoreMacsPerStep => AttentionCost.ScoreMacs(HiddenSize, Size);
}
