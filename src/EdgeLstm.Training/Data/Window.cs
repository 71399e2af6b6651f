namespace EdgeLstm.Training.Data;

/// <summary>
/// A labelled stretch of a recording: <see cref="Length"/> samples from <see cref="Start"/>.
/// A view, not a copy: the samples stay in the recording.
/// </summary>
public readonly record struct Window(Recording Recording, int Start, int Length, int Label)
{
    /// <summary>Row-major samples of the window.</summary>
    public ReadOnlySpan<float> Samples => Recording.Samples.AsSpan(Start * Recording.ChannelCount, Length * Recording.ChannelCount);

    /// <summary>The samples of the window's step t.</summary>
    public ReadOnlySpan<float> Row(int t) => Recording.Row(Start + t);

    /// <summary>Index of the window's last sample in the recording (where its classification is made).</summary>
    public int End => Start + Length - 1;
}
