using EdgeLstm.Core.Model;

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

/// <summary>Everything the classifier stage needs to run one stream: the model and its policies.</summary>
public sealed record StreamPlan
{
    public required string ModelName { get; init; }
    public required EdgeModel Model { get; init; }
    public EngineKind Engine { get; init; } = EngineKind.Integer;
    public EventSettings Events { get; init; } = new();
    public ResetSettings Reset { get; init; } = new();
    public IReadOnlyList<ChannelSetting> Channels { get; init; } = [];

    /// <summary>Sees each mapped sample before it is classified (recording); null for none.</summary>
    public ISampleTap? Tap { get; init; }
}

/// <summary>Chooses the plan of a stream on its first sight (by source and stream name).</summary>
public delegate StreamPlan StreamPlanner(string sourceName, string streamName);
