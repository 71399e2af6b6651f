using System.Reflection;
using System.Text.RegularExpressions;
using EdgeLstm.Daemon.Configuration;

namespace EdgeLstm.Daemon.Tests;

public partial class ConfigurationTests
{
    /// <summary>The every-option example, installed as /usr/share/doc/edgelstm/examples/edgelstm.full.json.</summary>
    private static string ExamplePath => Path.Combine(TestModels.RepoRoot, "config", "edgelstm.full.json");

    /// <summary>The minimal configuration the package installs as /etc/edgelstm/edgelstm.json.</summary>
    private static string InstalledPath => Path.Combine(TestModels.RepoRoot, "config", "edgelstm.json");

    [Fact]
    public void The_example_configuration_parses_validates_and_builds()
    {
        var config = ConfigReader.Read(ExamplePath);
        var pipeline = PipelineFactory.Build(config, _ => TestModels.Streaming, _ => { }, Path.GetDirectoryName(ExamplePath));
        Assert.Equal(6, pipeline.Sources.Count);
    }

    [Fact]
    public void The_installed_configuration_is_one_serial_text_source_to_stdout_with_the_embedded_model()
    {
        var config = ConfigReader.Read(InstalledPath);
        var source = Assert.Single(config.Sources);
        Assert.True(source is { Type: "serial", Format: "text", Path: "/dev/ttyACM0" }, $"source: {source.Type} {source.Format} {source.Path}");
        Assert.True(Assert.Single(config.Sinks).Type == "stdout", "the only active sink is stdout");
        Assert.True(Assert.Single(config.Models).Value.Path is null, "the model is the embedded one");
        Assert.Contains("\"type\": \"mqtt\"", File.ReadAllText(InstalledPath), StringComparison.Ordinal);
        var pipeline = PipelineFactory.Build(config, _ => TestModels.Streaming, _ => { }, Path.GetDirectoryName(InstalledPath));
        Assert.Single(pipeline.Sources);
    }

    [GeneratedRegex("\"([a-zA-Z]+)\"\\s*:")]
    private static partial Regex PropertyName();

    [Fact]
    public void The_example_configuration_shows_every_option()
    {
        var shown = PropertyName().Matches(File.ReadAllText(ExamplePath)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var types = new[] { typeof(DaemonConfig), typeof(ModelEntry), typeof(SourceEntry), typeof(ChannelEntry), typeof(StreamRuleEntry),
                            typeof(ResetSection), typeof(EventsSection), typeof(SinkEntry), typeof(PipelineSection), typeof(Daemon.Mqtt.MqttOptions), typeof(Daemon.Mqtt.MqttSourceOptions),
                            typeof(ServiceSection), typeof(MetricsSection), typeof(PartitionSection) };
        // The MQTT options' old names in seconds are read but not shown (OldOptionNames).
        foreach (var p in types.SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)).Where(p => p.CanWrite && !p.Name.EndsWith("Seconds", StringComparison.Ordinal)))
        {
            string name = char.ToLowerInvariant(p.Name[0]) + p.Name[1..];
            Assert.True(shown.Contains(name), $"config/edgelstm.full.json does not show '{name}' ({p.DeclaringType!.Name})");
        }
    }

    /// <summary>Issue 15 (units): durations are ...Ms everywhere; the MQTT options earlier versions named in seconds still read, as milliseconds, and are named for renaming.</summary>
    [Fact]
    public void Old_mqtt_names_in_seconds_are_read_as_milliseconds_and_named()
    {
        var config = ConfigReader.Parse("""
            { "sinks": [ { "type": "stdout" },
                         { "type": "mqtt", "mqtt": { "keepAliveSeconds": 15, "reconnectMinSeconds": 0.1, "reconnectMaxSeconds": 2.5 } },
                         { "type": "mqtt", "mqtt": { "keepAliveMs": 20000, "reconnectMinMs": 50, "reconnectMaxMs": 700 } } ] }
            """, "c.json");
        var old = config.Sinks[1].Mqtt!;
        Assert.Equal((15_000, 100, 2_500), (old.KeepAliveMs, old.ReconnectMinMs, old.ReconnectMaxMs));
        var current = config.Sinks[2].Mqtt!;
        Assert.Equal((20_000, 50, 700), (current.KeepAliveMs, current.ReconnectMinMs, current.ReconnectMaxMs));
        Assert.Equal([
            "sinks[1].mqtt.keepAliveSeconds: an old name, read as keepAliveMs; rename it",
            "sinks[1].mqtt.reconnectMinSeconds: an old name, read as reconnectMinMs; rename it",
            "sinks[1].mqtt.reconnectMaxSeconds: an old name, read as reconnectMaxMs; rename it",
        ], OldOptionNames.In(config));
        Assert.Empty(old.Validate());

        // Out of range in the old unit stays out of range in the new one.
        var wild = ConfigReader.Parse("""{ "sinks": [ { "type": "mqtt", "mqtt": { "keepAliveSeconds": 1e12 } } ] }""", "c.json");
        Assert.Contains(wild.Sinks[0].Mqtt!.Validate(), e => e.StartsWith("mqtt.keepAliveMs:", StringComparison.Ordinal));
    }

    /// <summary>Issue 15 (configuration messages for people): every unknown name at once, by path, with the closest valid name; never a .NET type.</summary>
    [Fact]
    public void Unknown_names_are_all_reported_by_path_with_the_closest_valid_name()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigReader.Parse("""
            { "servce": {}, "service": { "metrics": { "enabeld": true } },
              "models": { "default": { "pth": "m.elstm" } },
              "sources": [ { "name": "a", "type": "tcp", "prot": 1, "channels": [ { "inptu": "acc_x" } ] } ],
              "sinks": [ { "type": "mqtt", "mqtt": { "hots": "broker" } } ],
              "pipeline": { "zzz": 1 } }
            """, "c.json"));
        Assert.Equal([
            "c.json: servce: unknown; did you mean 'service'?",
            "c.json: service.metrics.enabeld: unknown; did you mean 'enabled'?",
            "c.json: models.default.pth: unknown; did you mean 'path'?",
            "c.json: sources[0].prot: unknown; did you mean 'port'?",
            "c.json: sources[0].channels[0].inptu: unknown; did you mean 'input'?",
            "c.json: sinks[0].mqtt.hots: unknown; did you mean 'host'?",
        ], e.Errors.Take(6));
        Assert.StartsWith("c.json: pipeline.zzz: unknown; valid here: batchSize, ", e.Errors[6], StringComparison.Ordinal);
        Assert.Equal(7, e.Errors.Count);
        Assert.DoesNotContain(e.Errors, m => m.Contains("System.", StringComparison.Ordinal) || m.Contains("EdgeLstm.", StringComparison.Ordinal));

        var kind = Assert.Throws<ConfigException>(() => ConfigReader.Parse("""{ "sources": [ { "name": "a", "type": "tcp", "port": "5000" } ] }""", "c.json"));
        Assert.Equal("c.json (line 1): sources[0].port: expected a whole number", Assert.Single(kind.Errors));
    }

    [Fact]
    public void Errors_are_collected_and_each_named()
    {
        var config = ConfigReader.Parse("""
            { "sources": [ { "name": "s", "type": "udp", "bind": "localhost?", "port": -1, "channels": [ { "input": "nope", "column": "a", "index": 1 } ] } ],
              "sinks": [ { "type": "carrier-pigeon" } ], "pipeline": { "batchSize": 0 } }
            """, "test");
        var e = Assert.Throws<ConfigException>(() => PipelineFactory.Build(config, _ => TestModels.Streaming, _ => { }));
        foreach (var named in new[] { "sources[0].bind", "sources[0].port", "sources[0].channels[0]: give column or index", "sources[0].channels[0].input",
                                      "sinks[0].type", "pipeline.batchSize" })
            Assert.Contains(e.Errors, m => m.StartsWith(named, StringComparison.Ordinal));
    }

    [Fact]
    public void Syntax_errors_and_unknown_options_name_where()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigReader.Parse("{ \"pipeline\": { \"batchsize\": 3 } }", "x.json"));
        Assert.Contains("batchsize", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ConfigException>(() => ConfigReader.Parse("{ \"sources\": [ ", "x.json"));
        Assert.StartsWith("x.json", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*", "anything", true)]
    [InlineData("imu", "imu", true)]
    [InlineData("imu", "imu/1", false)]
    [InlineData("net/*", "net/7", true)]
    [InlineData("*/7", "net/7", true)]
    [InlineData("a*b*c", "aXbYc", true)]
    [InlineData("a*b*c", "aXbY", false)]
    public void Stream_patterns(string pattern, string name, bool matches) => Assert.Equal(matches, NamePattern.Matches(pattern, name));
}
