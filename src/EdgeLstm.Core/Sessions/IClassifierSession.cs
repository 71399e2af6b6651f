namespace EdgeLstm.Core;

/// <summary>
/// A streaming classifier over one stream: state persists between steps until Reset.
/// Implementations allocate their state and scratch once; Step and Reset allocate nothing.
/// </summary>
public interface IClassifierSession
{
    int InputSize { get; }
    int OutputSize { get; }

    /// <summary>Advances one sample (raw, in the model's channel units).</summary>
    void Step(ReadOnlySpan<float> sample);

    /// <summary>Clears the recurrent state.</summary>
    void Reset();

    /// <summary>Index of the highest-scoring class after the last step.</summary>
    int Predicted { get; }

    /// <summary>Class probabilities after the last step (softmax of the logits).</summary>
    void GetProbabilities(Span<float> destination);
}
