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

/// <summary>Reads a configuration file; syntax and unknown names fail with the file, line and property.</summary>
public static class ConfigReader
{
    public static DaemonConfig Read(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ConfigException([$"{path}: {e.Message}"]); }
        return Parse(text, path);
    }

    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>
    /// Parses the text: a syntax error names its line; every unknown name is reported at once with
    /// its path and the closest valid name (<see cref="UnknownKeys"/>); a value of the wrong kind
    /// names its option and the kind expected.
    /// </summary>
    public static DaemonConfig Parse(string json, string origin)
    {
        try
        {
            using (var document = JsonDocument.Parse(json, DocumentOptions))
            {
                var unknown = UnknownKeys.Find(document.RootElement, ConfigJsonContext.Default.DaemonConfig);
                if (unknown.Count > 0) throw new ConfigException([.. unknown.Select(u => $"{origin}: {u}")]);
            }
            return JsonSerializer.Deserialize(json, ConfigJsonContext.Default.DaemonConfig) ?? throw new ConfigException([$"{origin}: empty configuration"]);
        }
        catch (JsonException e)
        {
            string line = e.LineNumber is { } l ? $" (line {l + 1})" : "";
            string path = e.Path is { Length: > 2 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : "";
            throw new ConfigException([path.Length > 0 && Expected(e.Message) is { } kind
                ? $"{origin}{line}: {path}: expected {kind}"
                : $"{origin}{line}{(path.Length > 0 ? $" at {path}" : "")}: {FirstSentence(e.Message)}"]);
        }
    }

    /// <summary>What kind of value the reader wanted, from System.Text.Json's conversion message (which names a .NET type).</summary>
    private static string? Expected(string message)
    {
        const string marker = "could not be converted to ";
        int at = message.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return null;
        string type = message[(at + marker.Length)..];
        return type.StartsWith("System.Int", StringComparison.Ordinal) || type.StartsWith("System.Nullable`1[System.Int", StringComparison.Ordinal) ? "a whole number"
            : type.StartsWith("System.Double", StringComparison.Ordinal) || type.StartsWith("System.Single", StringComparison.Ordinal) || type.StartsWith("System.Nullable`1[System.Double", StringComparison.Ordinal) || type.StartsWith("System.Nullable`1[System.Single", StringComparison.Ordinal) ? "a number"
            : type.StartsWith("System.Boolean", StringComparison.Ordinal) || type.StartsWith("System.Nullable`1[System.Boolean", StringComparison.Ordinal) ? "true or false"
            : type.StartsWith("System.String", StringComparison.Ordinal) ? "a string in quotes"
            : type.StartsWith("System.Collections.Generic.List", StringComparison.Ordinal) || type.Contains("[]", StringComparison.Ordinal) ? "a list [ ... ]"
            : "an object { ... }";
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}

/// <summary>Every problem found in a configuration, each naming the option it concerns.</summary>
public sealed class ConfigException(IReadOnlyList<string> errors) : Exception(string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>
/// Which parts of a reloaded configuration a SIGHUP cannot apply in place: models, stream rules,
/// channel maps and the log level switch at once; sources, sinks, pipeline sizes and the status and
/// metrics endpoints are opened at start and change at the next restart.
/// </summary>
public static class ConfigSections
{
    public static IReadOnlyList<string> NeedingRestart(DaemonConfig running, DaemonConfig reloaded)
    {
        var changed = new List<string>();
        if (SourcesText(running) != SourcesText(reloaded)) changed.Add("sources");
        if (Text(running.Sinks, ConfigJsonContext.Default.ListSinkEntry) != Text(reloaded.Sinks, ConfigJsonContext.Default.ListSinkEntry)) changed.Add("sinks");
        if (Text(running.Pipeline, ConfigJsonContext.Default.PipelineSection) != Text(reloaded.Pipeline, ConfigJsonContext.Default.PipelineSection)) changed.Add("pipeline");
        string Endpoints(DaemonConfig c) => $"{c.Service.StatusSocket}|{c.Service.Metrics.Enabled}|{c.Service.Metrics.Bind}|{c.Service.Metrics.Port}";
        if (Endpoints(running) != Endpoints(reloaded)) changed.Add("service.statusSocket/metrics");
        return changed;
    }

    // A source's settings without its channel map (which a reload does apply).
    private static string SourcesText(DaemonConfig config) => string.Join("\n", config.Sources.Select(s =>
    {
        var channels = s.Channels;
        s.Channels = [];
        try { return Text(s, ConfigJsonContext.Default.SourceEntry); }
        finally { s.Channels = channels; }
    }));

    private static string Text<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => JsonSerializer.Serialize(value, type);
}
