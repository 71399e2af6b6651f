namespace EdgeLstm.Training.Data;

/// <summary>
/// Recordings that share channels, class names and sample rate: what training, calibration and
/// evaluation consume. Class indices in <see cref="Recording.Labels"/> index <see cref="ClassNames"/>.
/// </summary>
public sealed class Dataset
{
    public Dataset(string name, IReadOnlyList<string> channels, IReadOnlyList<string> classNames, float sampleRateHz, IReadOnlyList<Recording> recordings)
    {
        foreach (var r in recordings)
        {
            if (r.ChannelCount != channels.Count)
                throw new ArgumentException($"{r.Name}: {r.ChannelCount} channels, the dataset has {channels.Count}.", nameof(recordings));
        }
        Name = name;
        Channels = channels;
        ClassNames = classNames;
        SampleRateHz = sampleRateHz;
        Recordings = recordings;
    }

    public string Name { get; }
    public IReadOnlyList<string> Channels { get; }

    /// <summary>Units per channel where known (same order as <see cref="Channels"/>), else empty strings.</summary>
    public IReadOnlyList<string> Units { get; init; } = [];

    public IReadOnlyList<string> ClassNames { get; }
    public float SampleRateHz { get; }
    public IReadOnlyList<Recording> Recordings { get; }

    public int ChannelCount => Channels.Count;
    public int ClassCount => ClassNames.Count;

    /// <summary>A dataset with the same channels and classes over a subset of the recordings.</summary>
    public Dataset With(IReadOnlyList<Recording> recordings, string? name = null) =>
        new(name ?? Name, Channels, ClassNames, SampleRateHz, recordings) { Units = Units };
}
