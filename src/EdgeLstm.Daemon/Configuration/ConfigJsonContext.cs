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

    public static DaemonConfig Parse(string json, string origin)
    {
        try
        {
            return JsonSerializer.Deserialize(json, ConfigJsonContext.Default.DaemonConfig) ?? throw new ConfigException([$"{origin}: empty configuration"]);
        }
        catch (JsonException e)
        {
            string where = e.Path is { Length: > 0 } p ? $" at {p}" : "";
            string line = e.LineNumber is { } l ? $" (line {l + 1})" : "";
            throw new ConfigException([$"{origin}{line}{where}: {FirstSentence(e.Message)}"]);
        }
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
