namespace EdgeLstm.Daemon.Processing;

/// <summary>A channel mapping entry: which source column feeds a model input, scaled and offset.</summary>
public sealed record ChannelSetting
{
    /// <summary>The model's input channel this entry feeds (by its name in the model file).</summary>
    public required string Input { get; init; }

    /// <summary>The source column by header name; null to use <see cref="Index"/>.</summary>
    public string? Column { get; init; }

    /// <summary>The source column by 0-based position among the data columns.</summary>
    public int? Index { get; init; }

    public float Scale { get; init; } = 1;
    public float Offset { get; init; }
}
