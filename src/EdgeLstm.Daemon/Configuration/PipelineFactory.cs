using System.IO.Ports;
using System.Net;
using EdgeLstm.Core.Model;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Processing;
using EdgeLstm.Daemon.Samples;
using EdgeLstm.Daemon.Sinks;
using EdgeLstm.Daemon.Sources;

namespace EdgeLstm.Daemon.Configuration;

/// <summary>
/// Validates a configuration completely (every error collected and named by its option path,
/// models loaded and checked against the channel maps) and builds the pipeline it describes.
/// </summary>
public static class PipelineFactory
{
    private static readonly string[] SourceTypes = ["serial", "tcp", "udp", "stdin", "file", "mqtt"];
    private static readonly string[] SinkTypes = ["stdout", "tcp", "udp", "serial", "mqtt"];

    /// <param name="loadModel">Loads a model file; null path means the embedded default.</param>
    /// <param name="baseDirectory">Relative recording paths are resolved against it (the configuration file's directory).</param>
    /// <param name="tap">Sees every stream's mapped samples before classification (`edgelstm record`); null for none.</param>
    /// <param name="sinks">Replaces the configured sinks (which are still validated); null to build the configured ones.</param>
    public static Pipeline Build(DaemonConfig config, Func<string?, EdgeModel> loadModel, Action<string> log, string? baseDirectory = null,
                                 ISampleTap? tap = null, IReadOnlyList<ISink>? sinks = null)
    {
        var blueprint = Validate(config, loadModel, baseDirectory, tap);
        var built = new List<ISink>();
        var mqttNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, i) in (sinks is null ? config.Sinks : []).Select((k, i) => (k, i)))
        {
            built.Add(k.Type switch
            {
                "tcp" => new TcpSink(k.Host, k.Port, log),
                "udp" => new UdpSink(k.Host, k.Port),
                "serial" => new SerialSink(k.Path!, new SerialSettings { Baud = k.Baud }, log),
                // Named for its broker in metrics and health; a second sink to the same broker by its place too.
                "mqtt" => new MqttSink(k.Mqtt!, blueprint.FirstModelName, log,
                                       mqttNames.Add($"{k.Mqtt!.Host}:{k.Mqtt.Port}") ? $"{k.Mqtt.Host}:{k.Mqtt.Port}" : $"{k.Mqtt.Host}:{k.Mqtt.Port} (sinks[{i}])"),
                _ => StreamSink.StandardOutput(log),
            });
        }
        var pipeline = new Pipeline(blueprint.Options, blueprint.Sources, sinks ?? built, blueprint.Planner, log);
        foreach (var sink in sinks ?? built)
            if (sink is MqttSink mqtt) pipeline.Counters.Attach(mqtt.Link);
        return pipeline;
    }

    /// <summary>
    /// Checks the whole configuration (every error collected, then one <see cref="ConfigException"/>)
    /// and loads its models; opens nothing. What `run --check` and a SIGHUP reload use.
    /// </summary>
    public static PipelineBlueprint Validate(DaemonConfig config, Func<string?, EdgeModel> loadModel, string? baseDirectory = null,
                                             ISampleTap? tap = null)
    {
        string Resolve(string path) => baseDirectory is null ? path : Path.Combine(baseDirectory, path);
        var errors = new List<string>();
        void Check(bool ok, string error) { if (!ok) errors.Add(error); }

        // Models.
        if (config.Models.Count == 0) config.Models["default"] = new ModelEntry();
        var models = new Dictionary<string, (EdgeModel Model, EngineKind Engine)>();
        foreach (var (name, m) in config.Models)
        {
            string at = $"models.{name}";
            Check(m.Engine is "int" or "float", $"{at}.engine: '{m.Engine}' is not int or float");
            EdgeModel model;
            try { model = loadModel(m.Path); }
            catch (Exception e) when (e is ModelException or IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
            {
                errors.Add($"{at}.path: {e.Message}");
                continue;
            }
            var engine = m.Engine == "float" ? EngineKind.Float : EngineKind.Integer;
            Check(engine == EngineKind.Float ? model.Float is not null : model.Integer is not null,
                $"{at}: the model has no {(engine == EngineKind.Float ? "float network" : "integer form")} for engine '{m.Engine}'");
            Check(model.OutputSize <= ClassificationBatch.MaxClasses, $"{at}: {model.OutputSize} classes, at most {ClassificationBatch.MaxClasses} supported");
            models[name] = (model, engine);
        }

        // Stream rules.
        if (config.Streams.Count == 0) config.Streams.Add(new StreamRuleEntry { Model = config.Models.ContainsKey("default") ? "default" : config.Models.Keys.First() });
        for (int i = 0; i < config.Streams.Count; i++)
        {
            var r = config.Streams[i];
            string at = $"streams[{i}]";
            Check(!string.IsNullOrEmpty(r.Match), $"{at}.match: empty");
            Check(config.Models.ContainsKey(r.Model), $"{at}.model: no model named '{r.Model}' in models");
            Check(r.Reset.TimeoutMs >= 0, $"{at}.reset.timeoutMs: must be 0 (never) or positive");
            Check(r.Reset.EverySteps >= 0, $"{at}.reset.everySteps: must be 0 (never) or positive");
            Check(r.Events.Smoothing is >= 0 and < 1, $"{at}.events.smoothing: must be in [0, 1)");
            Check(r.Events.Threshold is >= 0 and <= 1, $"{at}.events.threshold: must be in [0, 1]");
            Check(r.Events.MinDuration >= 1, $"{at}.events.minDuration: must be at least 1");
            Check(r.Events.Emit is "change" or "hop", $"{at}.events.emit: '{r.Events.Emit}' is not change or hop");
            Check(r.Events.Hop >= 1, $"{at}.events.hop: must be at least 1");
        }
        StreamRuleEntry RuleOf(string stream) => config.Streams.FirstOrDefault(r => NamePattern.Matches(r.Match, stream)) ?? config.Streams[^1];

        // Sources.
        Check(config.Sources.Count > 0, "sources: at least one source is needed");
        var sources = new List<Source>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var listeners = new List<(string Type, IPAddress Address, int Port, int Index)>();
        for (int i = 0; i < config.Sources.Count; i++)
        {
            var s = config.Sources[i];
            string at = $"sources[{i}]";
            Check(!string.IsNullOrWhiteSpace(s.Name) && !s.Name.Contains('/', StringComparison.Ordinal), $"{at}.name: a non-empty name without '/' is needed");
            Check(seen.Add(s.Name), $"{at}.name: '{s.Name}' is used twice");
            Check(SourceTypes.Contains(s.Type), $"{at}.type: '{s.Type}' is not one of {string.Join(", ", SourceTypes)}");
            Check(s.Format is "text" or "binary" || s.Format == "json" && s.Type == "mqtt",
                $"{at}.format: '{s.Format}' is not text or binary{(s.Type == "mqtt" ? " or json" : " (json is for mqtt sources)")}");
            Check(s.MaxLineLength is >= 16 and <= BytePump.BufferSize / 4, $"{at}.maxLineLength: must be 16 to {BytePump.BufferSize / 4}");
            var format = s.Format switch { "binary" => InputFormat.Binary, "json" => InputFormat.Json, _ => InputFormat.Text };
            var rule = RuleOf(s.Name);
            models.TryGetValue(rule.Model, out var sourceModel);
            for (int c = 0; c < s.Channels.Count; c++)
            {
                var ch = s.Channels[c];
                string cat = $"{at}.channels[{c}]";
                Check(!string.IsNullOrEmpty(ch.Input), $"{cat}.input: the model input to feed is needed");
                Check(ch.Column is null || ch.Index is null, $"{cat}: give column or index, not both");
                Check(ch.Index is null or (>= 0 and < SampleBatch.MaxColumns), $"{cat}.index: must be 0 to {SampleBatch.MaxColumns - 1}");
                Check(float.IsFinite(ch.Scale) && float.IsFinite(ch.Offset), $"{cat}: scale and offset must be finite");
                if (sourceModel.Model is not null && !string.IsNullOrEmpty(ch.Input))
                    Check(sourceModel.Model.Metadata.Channels.Any(m => string.Equals(m.Name, ch.Input, StringComparison.OrdinalIgnoreCase)),
                        $"{cat}.input: model '{rule.Model}' has no input channel '{ch.Input}' (it has {string.Join(", ", sourceModel.Model.Metadata.Channels.Select(m => m.Name))})");
            }
            int positional = Math.Max(sourceModel.Model?.InputSize ?? 0, s.Channels.Select(ch => (ch.Index ?? -1) + 1).DefaultIfEmpty(0).Max());
            var decoding = new DecoderOptionsTemplate(s.MaxLineLength, Math.Min(positional, SampleBatch.MaxColumns), ExpectedColumns(sourceModel.Model, s.Channels));
            switch (s.Type)
            {
                case "serial":
                    Check(!string.IsNullOrEmpty(s.Path), $"{at}.path: the serial device is needed");
                    Check(s.ReopenMinMs > 0 && s.ReopenMaxMs >= s.ReopenMinMs, $"{at}.reopenMinMs/reopenMaxMs: need 0 < min <= max");
                    var serial = Serial(s.Baud, s.Parity, s.DataBits, s.StopBits, s.Handshake, at, errors);
                    if (serial is not null && !string.IsNullOrEmpty(s.Path))
                        sources.Add(new SerialSource(s.Name, s.Path, serial, format, decoding, TimeSpan.FromMilliseconds(s.ReopenMinMs), TimeSpan.FromMilliseconds(Math.Max(s.ReopenMinMs, s.ReopenMaxMs))));
                    break;
                case "tcp" or "udp":
                    Check(s.Port is >= 0 and <= 65535, $"{at}.port: must be 0 to 65535");
                    bool bindOk = IPAddress.TryParse(s.Bind, out var address);
                    Check(bindOk, $"{at}.bind: '{s.Bind}' is not an IP address");
                    Check(s.MaxConnections >= 1, $"{at}.maxConnections: must be at least 1");
                    Check(s.IdleTimeoutMs >= 0, $"{at}.idleTimeoutMs: must be 0 (never) or positive");
                    if (bindOk && s.Port is > 0 and <= 65535)
                    {
                        // Two sources on one port: the second could never bind it (the kernel allows one owner).
                        int other = listeners.FindIndex(l => l.Type == s.Type && l.Port == s.Port && Overlap(l.Address, address!));
                        Check(other < 0, $"{at}.port: {s.Port} is also sources[{(other < 0 ? 0 : listeners[other].Index)}]'s");
                        listeners.Add((s.Type, address!, s.Port, i));
                    }
                    if (bindOk && s.Port is >= 0 and <= 65535)
                        sources.Add(s.Type == "tcp"
                            ? new TcpServerSource(s.Name, new IPEndPoint(address!, s.Port), Math.Max(1, s.MaxConnections), format, decoding,
                                                  TimeSpan.FromMilliseconds(Math.Max(0, s.IdleTimeoutMs)))
                            : new UdpSource(s.Name, new IPEndPoint(address!, s.Port), format, decoding));
                    break;
                case "stdin":
                    sources.Add(new StdinSource(s.Name, format, decoding));
                    break;
                case "file":
                    Check(!string.IsNullOrEmpty(s.Path) && File.Exists(Resolve(s.Path)), $"{at}.path: recording '{s.Path}' not found");
                    Check(s.Speed is null or > 0, $"{at}.speed: must be positive");
                    Check(!(s.MaxSpeed && s.Speed is not null), $"{at}: give speed or maxSpeed, not both");
                    if (!string.IsNullOrEmpty(s.Path))
                        sources.Add(new FileSource(s.Name, Resolve(s.Path), format, decoding, s.MaxSpeed ? null : s.Speed ?? 1, sourceModel.Model?.Metadata.SampleRateHz ?? 0));
                    break;
                case "mqtt":
                    if (Mqtt(s, at, errors) is { } mqtt) sources.Add(new MqttSource(s.Name, format, decoding, s.Mqtt!, mqtt, s.Qos, s.StreamLevels));
                    break;
            }
            if (s.Type != "mqtt")
                Check(s.Topics.Count == 0 && s.StreamLevels.Count == 0 && s.Mqtt is null, $"{at}: topics, streamLevels and mqtt are options of mqtt sources");
        }

        // Sinks (created by Build, once everything is valid).
        if (config.Sinks.Count == 0) config.Sinks.Add(new SinkEntry());
        for (int i = 0; i < config.Sinks.Count; i++)
        {
            var k = config.Sinks[i];
            string at = $"sinks[{i}]";
            Check(SinkTypes.Contains(k.Type), $"{at}.type: '{k.Type}' is not one of {string.Join(", ", SinkTypes)}");
            if (k.Type is "tcp" or "udp") Check(k.Port is > 0 and <= 65535, $"{at}.port: must be 1 to 65535");
            if (k.Type == "serial") Check(!string.IsNullOrEmpty(k.Path), $"{at}.path: the serial device is needed");
            if (k.Type == "serial") Check(k.Baud > 0, $"{at}.baud: must be positive");
            if (k.Type == "mqtt")
            {
                k.Mqtt ??= new Mqtt.MqttOptions();
                foreach (string e in k.Mqtt.Validate($"{at}.mqtt")) errors.Add(e);
            }
        }

        // Pipeline.
        var p = config.Pipeline;
        Check(p.BatchSize is >= 1 and <= 4096, "pipeline.batchSize: must be 1 to 4096");
        Check(p.InputCapacity >= 1, "pipeline.inputCapacity: must be at least 1");
        Check(p.OutputCapacity >= 1, "pipeline.outputCapacity: must be at least 1");
        FullMode? inputMode = p.InputFullMode == "auto" ? null : Mode(p.InputFullMode, "pipeline.inputFullMode", errors, "auto, ");
        var outputMode = Mode(p.OutputFullMode, "pipeline.outputFullMode", errors);
        Check(p.StopGraceMs >= 0, "pipeline.stopGraceMs: must be 0 or positive");
        Check(p.ClassifierWorkers is >= 0 and <= 256, "pipeline.classifierWorkers: must be 0 (one per processor) to 256");
        Check(p.BatchLanes is >= 0 and <= 4096, "pipeline.batchLanes: must be 0 (each stream steps alone) to 4096");
        Check(p.BatchHoldMs is >= 0 and <= 1000, "pipeline.batchHoldMs: must be 0 to 1000");
        Check(p.Partition.Count >= 1, $"pipeline.partition.count: must be at least 1 (was {p.Partition.Count})");
        Check(p.Partition.Count < 1 || p.Partition.Index >= 0 && p.Partition.Index < p.Partition.Count,
              $"pipeline.partition.index: must be 0 to {p.Partition.Count - 1} (count - 1), was {p.Partition.Index}");

        // Service.
        var svc = config.Service;
        Check(svc.LogLevel is "error" or "warning" or "info" or "debug", $"service.logLevel: '{svc.LogLevel}' is not error, warning, info or debug");
        Check(svc.StatusSocket is null || svc.StatusSocket.Length > 0, "service.statusSocket: empty (null for the default)");
        if (svc.Metrics.Enabled)
        {
            bool metricsBindOk = IPAddress.TryParse(svc.Metrics.Bind, out var metricsAddress);
            Check(metricsBindOk, $"service.metrics.bind: '{svc.Metrics.Bind}' is not an IP address");
            Check(svc.Metrics.Port is > 0 and <= 65535, "service.metrics.port: must be 1 to 65535");
            int shared = metricsBindOk ? listeners.FindIndex(l => l.Type == "tcp" && l.Port == svc.Metrics.Port && Overlap(l.Address, metricsAddress!)) : -1;
            Check(shared < 0, $"service.metrics.port: {svc.Metrics.Port} is also sources[{(shared < 0 ? 0 : listeners[shared].Index)}]'s");
        }
        for (int i = 0; i < config.Sources.Count; i++)
            Check(config.Sources[i].StaleAfterMs >= 0, $"sources[{i}].staleAfterMs: must be 0 (never stale) or positive");

        if (errors.Count > 0) throw new ConfigException(errors);

        var options = new PipelineOptions
        {
            BatchSize = p.BatchSize, InputCapacity = p.InputCapacity, InputFullMode = inputMode, OutputCapacity = p.OutputCapacity,
            OutputFullMode = outputMode, Scores = p.Scores,
            ClassifierWorkers = p.ClassifierWorkers > 0 ? p.ClassifierWorkers : Environment.ProcessorCount, StopGrace = TimeSpan.FromMilliseconds(p.StopGraceMs),
            BatchLanes = p.BatchLanes, BatchHold = TimeSpan.FromMilliseconds(p.BatchHoldMs),
            Partition = new StreamPartition(p.Partition.Count, p.Partition.Index),
        };
        var channelsBySource = config.Sources.ToDictionary(s => s.Name, s => (IReadOnlyList<ChannelSetting>)s.Channels
            .Select(c => new ChannelSetting { Input = c.Input, Column = c.Column, Index = c.Index, Scale = c.Scale, Offset = c.Offset }).ToList());
        StreamPlan Plan(string source, string stream)
        {
            var rule = RuleOf(stream);
            var (model, engine) = models[rule.Model];
            return new StreamPlan
            {
                ModelName = rule.Model, Model = model, Engine = engine,
                Channels = channelsBySource.GetValueOrDefault(source) ?? [],
                Tap = tap,
                Reset = new ResetSettings { OnGap = rule.Reset.OnGap, Timeout = TimeSpan.FromMilliseconds(rule.Reset.TimeoutMs), EverySteps = rule.Reset.EverySteps },
                Events = new EventSettings
                {
                    Smoothing = rule.Events.Smoothing, Threshold = rule.Events.Threshold, MinDuration = rule.Events.MinDuration,
                    Emit = rule.Events.Emit == "hop" ? EmitMode.Hop : EmitMode.Change, Hop = rule.Events.Hop,
                },
            };
        }
        return new PipelineBlueprint(options, sources, Plan, [.. models.Keys])
        {
            FirstModelName = models.Values.Select(m => m.Model.Metadata.Name).FirstOrDefault() ?? "model",
        };
    }

    /// <summary>
    /// The column names a header must name to be taken at once: per model input, the configured
    /// column, else (unless an index is configured) the model's channel name.
    /// </summary>
    private static List<string> ExpectedColumns(EdgeModel? model, IReadOnlyList<ChannelEntry> channels)
    {
        var names = new List<string>();
        if (model is null) return names;
        foreach (var channel in model.Metadata.Channels)
        {
            var setting = channels.FirstOrDefault(c => string.Equals(c.Input, channel.Name, StringComparison.OrdinalIgnoreCase));
            if (setting?.Column is { } column) names.Add(column);
            else if (setting?.Index is null) names.Add(channel.Name);
        }
        return names;
    }

    /// <summary>An mqtt source's topic filters (null after adding its errors), its QoS, stream levels and connection.</summary>
    private static List<Mqtt.TopicFilter>? Mqtt(SourceEntry s, string at, List<string> errors)
    {
        int before = errors.Count;
        if (s.Topics.Count == 0) errors.Add($"{at}.topics: at least one topic filter is needed (e.g. \"sensors/+/imu\")");
        var filters = new List<Mqtt.TopicFilter>();
        for (int t = 0; t < s.Topics.Count; t++)
        {
            if (Daemon.Mqtt.TopicFilter.Parse(s.Topics[t], out string? error) is { } filter) filters.Add(filter);
            else errors.Add($"{at}.topics[{t}]: '{s.Topics[t]}' is not a topic filter: {error}");
        }
        if (s.Qos is not (0 or 1)) errors.Add($"{at}.qos: {s.Qos} is not supported (0 or 1)");
        for (int l = 0; l < s.StreamLevels.Count; l++)
            if (s.StreamLevels[l] is < 0 or > 127) errors.Add($"{at}.streamLevels[{l}]: {s.StreamLevels[l]} is not a topic level (0 is the first)");
        if (s.StreamLevels.Count == 0 && filters.Count > 1 && filters.Any(f => !f.HasWildcard))
            errors.Add($"{at}.streamLevels: needed when a topic without wildcards is one of several (its messages would have no stream name of their own)");
        s.Mqtt ??= new Mqtt.MqttSourceOptions();
        errors.AddRange(s.Mqtt.Validate($"{at}.mqtt"));
        return errors.Count > before ? null : filters;
    }

    /// <summary>Two bind addresses that would claim the same port: equal, or either the wildcard of its family.</summary>
    private static bool Overlap(IPAddress a, IPAddress b) =>
        a.Equals(b) || a.Equals(IPAddress.Any) || b.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any) || b.Equals(IPAddress.IPv6Any);

    private static FullMode Mode(string value, string at, List<string> errors, string alternatives = "")
    {
        switch (value)
        {
            case "wait": return FullMode.Wait;
            case "dropNewest": return FullMode.DropNewest;
            case "dropOldest": return FullMode.DropOldest;
            default:
                errors.Add($"{at}: '{value}' is not {alternatives}wait, dropNewest or dropOldest");
                return FullMode.Wait;
        }
    }

    private static SerialSettings? Serial(int baud, string parity, int dataBits, string stopBits, string handshake, string at, List<string> errors)
    {
        int before = errors.Count;
        if (baud <= 0) errors.Add($"{at}.baud: must be positive");
        if (dataBits is < 5 or > 8) errors.Add($"{at}.dataBits: must be 5 to 8");
        Parity p = parity switch { "none" => Parity.None, "odd" => Parity.Odd, "even" => Parity.Even, "mark" => Parity.Mark, "space" => Parity.Space, _ => (Parity)(-1) };
        if ((int)p < 0) errors.Add($"{at}.parity: '{parity}' is not none, odd, even, mark or space");
        StopBits s = stopBits switch { "one" => StopBits.One, "onePointFive" => StopBits.OnePointFive, "two" => StopBits.Two, _ => StopBits.None };
        if (s == StopBits.None) errors.Add($"{at}.stopBits: '{stopBits}' is not one, onePointFive or two");
        Handshake h = handshake switch { "none" => Handshake.None, "xonxoff" => Handshake.XOnXOff, "rts" => Handshake.RequestToSend, "rtsxonxoff" => Handshake.RequestToSendXOnXOff, _ => (Handshake)(-1) };
        if ((int)h < 0) errors.Add($"{at}.handshake: '{handshake}' is not none, xonxoff, rts or rtsxonxoff");
        return errors.Count > before ? null : new SerialSettings { Baud = baud, Parity = p, DataBits = dataBits, StopBits = s, Handshake = h };
    }
}
