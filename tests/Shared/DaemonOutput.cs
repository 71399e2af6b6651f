using System.Text.Json;

namespace EdgeLstm.Tests.Shared;

/// <summary>Reading what `edgelstm run`, `replay` and `record --classify` print.</summary>
internal static class DaemonOutput
{
    /// <summary>
    /// The classification lines (those carrying "t") as t, label and score: stream names and times
    /// differ between a live run and a replay of its recording, the decisions must not.
    /// </summary>
    public static List<string> Decisions(IEnumerable<string> lines) =>
        lines.Where(l => l.Contains("\"t\":", StringComparison.Ordinal) && !l.Contains("\"summary\":true", StringComparison.Ordinal)).Select(line =>
        {
            using var doc = JsonDocument.Parse(line);
            var o = doc.RootElement;
            return $"t={o.GetProperty("t").GetInt64()} label={o.GetProperty("label").GetString()} score={o.GetProperty("score").GetRawText()}";
        }).ToList();

    /// <summary>The last summary line.</summary>
    public static JsonElement Summary(IEnumerable<string> lines) =>
        JsonDocument.Parse(lines.Last(l => l.Contains("\"summary\":true", StringComparison.Ordinal))).RootElement.Clone();
}
