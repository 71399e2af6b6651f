using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace EdgeLstm.Daemon.Configuration;

/// <summary>
/// Finds every name in a configuration file that the configuration does not have, before it is
/// read, so that all of them are reported at once in the file's own terms: the option's path and
/// the closest valid name (`service.servce: unknown; did you mean 'service.metrics'?`), never a
/// .NET type. The names come from the source-generated metadata the reader itself uses, so the
/// two cannot disagree.
/// </summary>
public static class UnknownKeys
{
    /// <summary>One line per unknown name, in document order.</summary>
    public static List<string> Find(JsonElement root, JsonTypeInfo type)
    {
        var errors = new List<string>();
        Walk(root, type, "", errors);
        return errors;
    }

    private static void Walk(JsonElement element, JsonTypeInfo type, string path, List<string> errors)
    {
        switch (type.Kind)
        {
            case JsonTypeInfoKind.Object when element.ValueKind == JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string at = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    var known = type.Properties.FirstOrDefault(p => p.Set is not null && string.Equals(p.Name, property.Name, StringComparison.Ordinal));
                    if (known is null)
                    {
                        errors.Add($"{at}: unknown{Suggestion(property.Name, type.Properties.Where(p => p.Set is not null).Select(p => p.Name).ToList())}");
                        continue;
                    }
                    if (TypeOf(type, known.PropertyType) is { } inner) Walk(property.Value, inner, at, errors);
                }
                break;
            case JsonTypeInfoKind.Enumerable when element.ValueKind == JsonValueKind.Array && TypeOf(type, type.ElementType) is { } item:
                int i = 0;
                foreach (var entry in element.EnumerateArray()) Walk(entry, item, $"{path}[{i++}]", errors);
                break;
            case JsonTypeInfoKind.Dictionary when element.ValueKind == JsonValueKind.Object && TypeOf(type, type.ElementType) is { } value:
                foreach (var property in element.EnumerateObject()) Walk(property.Value, value, $"{path}.{property.Name}", errors);
                break;
        }
    }

    private static JsonTypeInfo? TypeOf(JsonTypeInfo parent, Type? type) =>
        type is null ? null : parent.OriginatingResolver?.GetTypeInfo(type, parent.Options) ?? parent.Options.TypeInfoResolver?.GetTypeInfo(type, parent.Options);

    /// <summary>"; did you mean 'x'?" for a name within two edits (or a case slip), else the valid names.</summary>
    private static string Suggestion(string name, IReadOnlyList<string> valid)
    {
        var best = valid.Select(v => (Name: v, Distance: Distance(name.ToLowerInvariant(), v.ToLowerInvariant()))).OrderBy(v => v.Distance).FirstOrDefault();
        if (best.Name is not null && best.Distance <= Math.Max(1, Math.Min(2, name.Length / 3))) return $"; did you mean '{best.Name}'?";
        return valid.Count == 0 ? "" : $"; valid here: {string.Join(", ", valid)}";
    }

    /// <summary>Edit distance counting insertions, deletions, substitutions and swaps of neighbours ("prot" is one from "port").</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
