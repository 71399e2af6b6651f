using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Processing;

/// <summary>
/// Sees every sample a stream's classifier is about to step, after the channel map turned the
/// source's columns into model inputs: exactly what the model gets (`edgelstm record` writes it).
/// Called on the classifier stage's thread for the stream, in sample order; must not block long.
/// </summary>
public interface ISampleTap
{
    /// <summary>
    /// <paramref name="input"/> holds the model inputs of sample <paramref name="index"/> of the
    /// batch (named by <see cref="StreamClassifier.InputNames"/>), <paramref name="t"/> its index in
    /// the stream. Returning false leaves the sample out: it is not classified (a capture's limit was reached).
    /// </summary>
    bool Sample(StreamClassifier classifier, long t, ReadOnlySpan<float> input, SampleBatch batch, int index);
}
