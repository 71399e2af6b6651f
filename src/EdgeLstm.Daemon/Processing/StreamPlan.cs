using EdgeLstm.Core.Model;

namespace EdgeLstm.Daemon.Processing;

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
