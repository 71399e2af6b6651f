namespace EdgeLstm.Core.Model;

/// <summary>How the model was trained to be run, which is how the daemon runs it.</summary>
public enum ClassificationMode : byte
{
    /// <summary>One step per sample, state carried between samples until a reset policy fires.</summary>
    Streaming = 1,

    /// <summary>Reset, run a window of samples, classify at its end; repeat every hop.</summary>
    Windowed = 2,
}

/// <summary>One input channel: its name (matched against recording headers) and unit.</summary>
public sealed record InputChannel(string Name, string Unit);

/// <summary>
/// Everything a model file says about the model besides its weights: what goes in (channels,
/// rate, normalization), what comes out (labels), how to run it, and where it came from.
/// </summary>
public sealed class ModelMetadata
{
    public string Name { get; set; } = "model";
    public List<string> Labels { get; init; } = [];
    public List<InputChannel> Channels { get; init; } = [];
    public float SampleRateHz { get; set; }

    /// <summary>Per-channel mean subtracted before the network (float and integer engines alike).</summary>
    public float[] Mean { get; set; } = [];

    /// <summary>Per-channel standard deviation divided out before the network.</summary>
    public float[] Std { get; set; } = [];

    public ClassificationMode Mode { get; set; } = ClassificationMode.Streaming;
    public int Window { get; set; }
    public int Hop { get; set; }

    /// <summary>Free-form provenance and metrics (training command, dataset, accuracy, ...).</summary>
    public List<KeyValuePair<string, string>> Properties { get; init; } = [];

    /// <summary>Metadata with generic names for a network of the given shape.</summary>
    public static ModelMetadata Default(int inputs, int outputs) => new()
    {
        Labels = Enumerable.Range(0, outputs).Select(i => $"class{i}").ToList(),
        Channels = Enumerable.Range(0, inputs).Select(i => new InputChannel($"ch{i}", "")).ToList(),
        Mean = new float[inputs],
        Std = Enumerable.Repeat(1f, inputs).ToArray(),
    };

    public string? Property(string key) => Properties.FirstOrDefault(p => p.Key == key).Value;
}
