using System.Globalization;
using System.Text.RegularExpressions;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Processing;
using EdgeLstm.Daemon.Service;
using EdgeLstm.Daemon.Sinks;

namespace EdgeLstm.Daemon.Tests.Service;

/// <summary>
/// Issue 15, item 6: the whole /metrics text of a pipeline that ran, checked against the rules
/// `promtool check metrics` applies (text format 0.0.4 and its lint): HELP and TYPE once per family,
/// before its samples, which are contiguous; counters end in `_total` and nothing else does; only
/// histograms have `_bucket`/`_sum`/`_count`, with rising buckets ending in `+Inf` = `_count`;
/// snake_case names, base units, unique label sets; and the process_* basics and build_info.
/// (Debian's prometheus package, which has promtool, installs 96 MB and a service: the same rules
/// are checked here instead.)
/// </summary>
public partial class PrometheusLintTests
{
    [GeneratedRegex("^[a-z_:][a-z0-9_:]*$")]
    private static partial Regex SnakeName();

    [GeneratedRegex("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex Label();

    [Fact]
    public async Task The_metrics_of_a_pipeline_that_ran_pass_the_promtool_rules()
    {
        string path = PipelineHarness.TempFile("rows.csv", string.Join('\n', Faults.FaultScenario.Recording) + "\n1,2,3\n");
        var plan = PipelineHarness.Plan(TestModels.Streaming, new EventSettings { Emit = EmitMode.Hop, Hop = 10 });
        // An MQTT sink to a port nobody listens on: its link's series are linted too.
        using var mqtt = new MqttSink(new Daemon.Mqtt.MqttOptions { Port = 1, QueueCapacity = 10 }, "test", _ => { }, "nobody");
        var pipeline = new Pipeline(new PipelineOptions { ClassifierWorkers = 1 }, [PipelineHarness.File(path, 6)], [new StreamSink("null", Stream.Null, false), mqtt],
            (_, _) => plan, _ => { });
        pipeline.Counters.Attach(mqtt.Link);
        pipeline.Start();
        await pipeline.Completion.WaitAsync(TimeSpan.FromMinutes(1));
        string text = ServiceReport.Prometheus(pipeline, new HealthCheck(pipeline, [TimeSpan.Zero]), 12.5);
        var problems = Lint(text);
        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n\n" + text);
        foreach (var family in new[] { "edgelstm_mqtt_connected", "edgelstm_mqtt_messages_total", "process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds", "process_start_time_seconds", "edgelstm_build_info", "edgelstm_reloads_total" })
            Assert.Contains($"# TYPE {family} ", text, StringComparison.Ordinal);
        Assert.Matches("edgelstm_build_info\\{version=\"[^\"]+\",arch=\"(x64|arm64)\"\\} 1\n", text);
    }

    [Fact]
    public void The_lint_finds_what_promtool_would_refuse()
    {
        var problems = Lint("""
            # HELP edgelstm_things Things
            # TYPE edgelstm_things counter
            edgelstm_things 1
            # HELP edgelstm_level_total Level
            # TYPE edgelstm_level_total gauge
            edgelstm_level_total 2
            edgelstm_orphan 3
            # HELP edgelstm_wait_milliseconds Wait
            # TYPE edgelstm_wait_milliseconds gauge
            edgelstm_wait_milliseconds 4

            """.ReplaceLineEndings("\n"));
        Assert.Contains(problems, p => p.Contains("edgelstm_things: a counter's name should end in _total", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("edgelstm_level_total: only counters end in _total", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("edgelstm_orphan: a sample without HELP and TYPE", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("edgelstm_wait_milliseconds: use base units", StringComparison.Ordinal));
    }

    private static List<string> Lint(string text)
    {
        var problems = new List<string>();
        var help = new HashSet<string>(StringComparer.Ordinal);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var labelSets = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        var buckets = new List<(double Le, double Count)>();
        double? histogramCount = null;
        if (!text.EndsWith('\n')) problems.Add("the text must end with a newline");
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', 4);
                string name = parts[2];
                if (parts[1] == "HELP")
                {
                    if (!help.Add(name)) problems.Add($"{name}: a second HELP");
                    if (parts.Length < 4 || parts[3].Trim().Length == 0) problems.Add($"{name}: empty HELP");
                    continue;
                }
                string type = parts.Length > 3 ? parts[3] : "";
                if (types.ContainsKey(name)) problems.Add($"{name}: a second TYPE");
                types[name] = type;
                if (type is not ("counter" or "gauge" or "histogram")) problems.Add($"{name}: unexpected type '{type}'");
                if (!SnakeName().IsMatch(name)) problems.Add($"{name}: names are snake_case");
                if (type == "counter" && !name.EndsWith("_total", StringComparison.Ordinal)) problems.Add($"{name}: a counter's name should end in _total");
                if (type != "counter" && name.EndsWith("_total", StringComparison.Ordinal)) problems.Add($"{name}: only counters end in _total");
                if (Regex.IsMatch(name, "_(milliseconds|microseconds|nanoseconds|minutes|hours|kilobytes|megabytes|percent)(_|$)")) problems.Add($"{name}: use base units (seconds, bytes, ratios)");
                EndFamily();
                if (finished.Contains(name)) problems.Add($"{name}: its samples are not contiguous");
                current = name;
                continue;
            }
            if (line.StartsWith('#')) continue;
            var m = SampleLine().Match(line);
            if (!m.Success) { problems.Add($"not a sample line: {line}"); continue; }
            string sample = m.Groups[1].Value;
            string family = current is not null && types.GetValueOrDefault(current) == "histogram" && sample.StartsWith(current, StringComparison.Ordinal) ? current : sample;
            if (current is null || family != current || !help.Contains(current))
            {
                problems.Add($"{sample}: a sample without HELP and TYPE before it");
                continue;
            }
            string suffix = sample[current.Length..];
            bool histogram = types[current] == "histogram";
            if (histogram && suffix is not ("_bucket" or "_sum" or "_count")) problems.Add($"{sample}: a histogram has _bucket, _sum and _count samples only");
            if (!double.TryParse(m.Groups[4].Value.Replace("+Inf", "Infinity", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                problems.Add($"{sample}: value '{m.Groups[4].Value}' is not a number");
            var labels = Label().Matches(m.Groups[3].Value).Select(l => (Name: l.Groups[1].Value, Value: l.Groups[2].Value)).ToList();
            if (labels.Select(l => l.Name).Distinct().Count() != labels.Count) problems.Add($"{sample}: a label given twice");
            if (!labelSets.Add(sample + "{" + string.Join(",", labels.Select(l => $"{l.Name}={l.Value}")) + "}")) problems.Add($"{sample}: the same labels twice");
            if (histogram && suffix == "_bucket")
            {
                string le = labels.FirstOrDefault(l => l.Name == "le").Value ?? "";
                buckets.Add((le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture), value));
            }
            if (histogram && suffix == "_count") histogramCount = value;
            if (types[current] == "counter" && value < 0) problems.Add($"{sample}: a counter is never negative");
        }
        EndFamily();
        return problems;

        void EndFamily()
        {
            if (current is null) return;
            finished.Add(current);
            if (types.GetValueOrDefault(current) == "histogram")
            {
                for (int i = 1; i < buckets.Count; i++)
                    if (buckets[i].Le <= buckets[i - 1].Le || buckets[i].Count < buckets[i - 1].Count) problems.Add($"{current}: buckets must rise");
                if (buckets.Count == 0 || !double.IsPositiveInfinity(buckets[^1].Le)) problems.Add($"{current}: the last bucket must be +Inf");
                else if (histogramCount != buckets[^1].Count) problems.Add($"{current}: the +Inf bucket must equal _count");
            }
            buckets.Clear();
            histogramCount = null;
        }
    }
}
