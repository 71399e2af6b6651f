namespace EdgeLstm.Daemon.Mqtt;

/// <summary>
/// An MQTT topic filter (MQTT 5.0, section 4.7): levels separated by '/', '+' matching exactly one
/// level, '#' (last, alone in its level) matching the parent level and any number below it. What
/// the wildcards matched names a source's stream: <see cref="StreamName"/>. Topics beginning with
/// '$' are not matched by a filter beginning with a wildcard (section 4.7.2), as the broker does.
/// A shared subscription `$share/{group}/{filter}` (section 4.8.2: the broker gives each message
/// to one of the group's subscribers, so several gateways can split the nodes) is subscribed as
/// written and matches, and names streams, by its filter part.
/// </summary>
public sealed class TopicFilter
{
    private readonly string[] _levels;

    private TopicFilter(string filter, string[] levels)
    {
        Filter = filter;
        _levels = levels;
    }

    public string Filter { get; }

    /// <summary>Whether the filter has a wildcard (else it names one topic).</summary>
    public bool HasWildcard => Array.Exists(_levels, l => l is "+" or "#");

    /// <summary>The filter, or why it is not one (the message names what is wrong).</summary>
    public static TopicFilter? Parse(string filter, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(filter)) error = "empty";
        else if (filter.Length > 65535) error = "longer than 65535 characters";
        else if (filter.Contains('\0')) error = "contains a NUL character";
        string matched = filter ?? "";
        if (error is null && filter!.StartsWith("$share/", StringComparison.Ordinal))
        {
            int end = filter.IndexOf('/', 7);
            string group = end < 0 ? filter[7..] : filter[7..end];
            if (group.Length == 0 || group.Contains('+') || group.Contains('#')) error = "a shared subscription needs a group name without wildcards: $share/{group}/{filter}";
            else if (end < 0 || end == filter.Length - 1) error = "a shared subscription needs a filter after its group: $share/{group}/{filter}";
            else matched = filter[(end + 1)..];
        }
        var levels = error is null ? matched.Split('/') : [];
        for (int i = 0; error is null && i < levels.Length; i++)
        {
            string l = levels[i];
            if (l.Contains('#') && (l != "#" || i != levels.Length - 1)) error = "'#' must be the last level and alone in it";
            else if (l.Contains('+') && l != "+") error = "'+' must be alone in its level";
        }
        return error is null ? new TopicFilter(filter!, levels) : null;
    }

    /// <summary>
    /// Whether <paramref name="topic"/> matches; if so, the topic's levels that the wildcards matched
    /// go into <paramref name="matched"/> (ranges of the topic; '#' gives one range for all its levels,
    /// empty when it matched only the parent) and their number is returned; -1 when it does not match.
    /// </summary>
    public int Match(string topic, Span<Range> matched)
    {
        if (topic.StartsWith('$') && _levels[0] is "+" or "#") return -1;
        int count = 0, at = 0;
        for (int i = 0; i < _levels.Length; i++)
        {
            string level = _levels[i];
            if (level == "#")
            {
                // The parent level itself ("a/#" matches "a") or everything below it.
                if (count < matched.Length) matched[count] = at > topic.Length ? topic.Length..topic.Length : at..topic.Length;
                return count + 1;
            }
            if (at > topic.Length) return -1; // the topic has fewer levels
            int end = topic.IndexOf('/', at);
            if (end < 0) end = topic.Length;
            if (level == "+")
            {
                if (count < matched.Length) matched[count] = at..end;
                count++;
            }
            else if (!topic.AsSpan(at, end - at).SequenceEqual(level)) return -1;
            at = end + 1;
        }
        return at == topic.Length + 1 ? count : -1; // no levels left over
    }

    /// <summary>
    /// The stream a topic's messages belong to: <paramref name="source"/>, then '/' and the levels
    /// that name it joined by '/': the levels given by <paramref name="streamLevels"/> (0-based
    /// topic levels; those the topic does not have are left out), else what the wildcards matched
    /// (empty matches left out). Just the source's name when that leaves nothing.
    /// </summary>
    public static string StreamName(string source, string topic, ReadOnlySpan<Range> matched, IReadOnlyList<int>? streamLevels)
    {
        var parts = new List<string>();
        if (streamLevels is { Count: > 0 })
        {
            var levels = topic.Split('/');
            foreach (int l in streamLevels)
                if (l < levels.Length && levels[l].Length > 0) parts.Add(levels[l]);
        }
        else
            foreach (var r in matched)
                if (topic[r].Length > 0) parts.Add(topic[r]);
        return parts.Count == 0 ? source : $"{source}/{string.Join('/', parts)}";
    }
}
