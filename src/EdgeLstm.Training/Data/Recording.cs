namespace EdgeLstm.Training.Data;

/// <summary>
/// One continuous recording session: samples in time order, row-major
/// (<see cref="Length"/> rows of <see cref="ChannelCount"/> values), and one class index per
/// sample (<see cref="Unlabelled"/> where no class applies, e.g. transitions).
/// </summary>
public sealed class Recording
{
    /// <summary>The label index of samples that belong to no class.</summary>
    public const int Unlabelled = -1;

    public Recording(string name, int channelCount, float[] samples, int[] labels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channelCount, 1);
        if (samples.Length % channelCount != 0)
            throw new ArgumentException($"{name}: {samples.Length} values are not whole rows of {channelCount} channels.", nameof(samples));
        if (labels.Length != samples.Length / channelCount)
            throw new ArgumentException($"{name}: {labels.Length} labels for {samples.Length / channelCount} samples.", nameof(labels));
        Name = name;
        ChannelCount = channelCount;
        Samples = samples;
        Labels = labels;
    }

    /// <summary>File name or subject/experiment id: what a deterministic split sorts by.</summary>
    public string Name { get; }

    public int ChannelCount { get; }

    /// <summary>Row-major samples: value of channel c at step t is Samples[t * ChannelCount + c].</summary>
    public float[] Samples { get; }

    /// <summary>Class index per sample, or <see cref="Unlabelled"/>.</summary>
    public int[] Labels { get; }

    /// <summary>Optional group the recording belongs to (HAPT: the subject), for subject-wise splits.</summary>
    public int Subject { get; init; }

    public int Length => Labels.Length;

    /// <summary>The samples of step t.</summary>
    public ReadOnlySpan<float> Row(int t) => Samples.AsSpan(t * ChannelCount, ChannelCount);
}
