using System.Globalization;
using System.Text;

namespace EdgeLstm.Daemon.Service;

/// <summary>
/// Writes metrics in the Prometheus text exposition format (version 0.0.4): a HELP and a TYPE
/// line per metric family, then one sample per line. Built at scrape time, never per sample.
/// </summary>
public sealed class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();
    private readonly HashSet<string> _families = [];

    public PrometheusText Counter(string name, string help, double value, params (string Name, string Value)[] labels) =>
        Sample(name, "counter", help, name, value, labels);

    public PrometheusText Gauge(string name, string help, double value, params (string Name, string Value)[] labels) =>
        Sample(name, "gauge", help, name, value, labels);

    /// <summary>A histogram from cumulative bucket counts (upper bounds ascending; +Inf is added), the sum and the count.</summary>
    public PrometheusText Histogram(string name, string help, IReadOnlyList<(double UpperBound, long Cumulative)> buckets, double sum, long count,
        params (string Name, string Value)[] labels)
    {
        Family(name, "histogram", help);
        foreach (var (bound, cumulative) in buckets)
            Line($"{name}_bucket", cumulative, [.. labels, ("le", Number(bound))]);
        Line($"{name}_bucket", count, [.. labels, ("le", "+Inf")]);
        Line($"{name}_sum", sum, labels);
        Line($"{name}_count", count, labels);
        return this;
    }

    public override string ToString() => _text.ToString();

    private PrometheusText Sample(string family, string type, string help, string name, double value, (string, string)[] labels)
    {
        Family(family, type, help);
        Line(name, value, labels);
        return this;
    }

    private void Family(string name, string type, string help)
    {
        if (!_families.Add(name)) return;
        _text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    private void Line(string name, double value, (string Name, string Value)[] labels)
    {
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (int i = 0; i < labels.Length; i++)
            {
                if (i > 0) _text.Append(',');
                _text.Append(labels[i].Name).Append("=\"").Append(Escape(labels[i].Value)).Append('"');
            }
            _text.Append('}');
        }
        _text.Append(' ').Append(Number(value)).Append('\n');
    }

    private static string Escape(string v) =>
        v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Number(double v) =>
        double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf" : double.IsNaN(v) ? "NaN" : v.ToString("R", CultureInfo.InvariantCulture);
}
