using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Processing;
using EdgeLstm.Daemon.Sources;

namespace EdgeLstm.Daemon.Configuration;

/// <summary>A validated configuration: pipeline sizes, its (unopened) sources and the stream planner over its loaded models.</summary>
public sealed record PipelineBlueprint(PipelineOptions Options, IReadOnlyList<Source> Sources, StreamPlanner Planner, IReadOnlyList<string> ModelNames)
{
    /// <summary>The first model's own name (its metadata), which Home Assistant shows as the device's model.</summary>
    public string FirstModelName { get; init; } = "model";
}
