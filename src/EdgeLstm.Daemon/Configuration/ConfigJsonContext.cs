using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeLstm.Daemon.Configuration;

/// <summary>
/// Source-generated reader of the configuration (no reflection, NativeAOT-clean): camelCase names,
/// `//` comments and trailing commas allowed, unknown properties refused by name.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(DaemonConfig))]
[JsonSerializable(typeof(SourceEntry))]
[JsonSerializable(typeof(List<SinkEntry>))]
[JsonSerializable(typeof(PipelineSection))]
[JsonSerializable(typeof(ServiceSection))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;
