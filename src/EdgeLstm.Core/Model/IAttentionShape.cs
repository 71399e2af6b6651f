namespace EdgeLstm.Core.Model;

/// <summary>Attention pooling's sizes, shared by its float and integer forms (docs/attention.md).</summary>
public interface IAttentionShape
{
    /// <summary>Width of the hidden states it pools (columns of W).</summary>
    int HiddenSize { get; }

    /// <summary>Width of the score's hidden layer (rows of W).</summary>
    int Size { get; }

    /// <summary>How many hidden states the sessions buffer: the window the model was trained on.</summary>
    int Steps { get; }
}
