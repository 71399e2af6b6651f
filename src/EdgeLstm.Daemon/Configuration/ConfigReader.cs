using System.Text.Json;

namespace EdgeLstm.Daemon.Configuration;

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
