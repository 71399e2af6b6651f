using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeLstm.Daemon.Configuration;
using EdgeLstm.Daemon.Mqtt;
using EdgeLstm.Daemon.Service;

namespace EdgeLstm.Daemon.Tests.Mqtt;

/// <summary>
/// Home Assistant discovery against a real mosquitto: what is published is read back and checked
/// field by field against HA's documented schema (https://www.home-assistant.io/integrations/mqtt/,
/// /integrations/sensor.mqtt/, /integrations/event.mqtt/), with a device and a stream whose names
/// hold dots.
/// </summary>
public partial class HomeAssistantDiscoveryTests
{
    private static readonly string[] Labels = ["walking", "sitting", "standing"];

    // The keys each config may carry: what HA documents for the component (the subset we use).
    private static readonly HashSet<string> Common = ["unique_id", "default_entity_id", "name", "state_topic", "availability_topic",
        "payload_available", "payload_not_available", "device", "origin", "icon"];
    private static readonly HashSet<string> SensorKeys = [.. Common, "value_template", "json_attributes_topic", "device_class", "options",
        "state_class", "suggested_display_precision", "unit_of_measurement"];
    private static readonly HashSet<string> EventKeys = [.. Common, "event_types", "device_class", "value_template"];

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex Id();

    private static MqttOptions Options(int port) => new()
    {
        Port = port, Device = "pi.lab", HomeAssistantDiscovery = true, ReconnectMinMs = 100, ReconnectMaxMs = 500,
    };

    private static byte[] Line(string label, double score) =>
        Encoding.UTF8.GetBytes($"{{\"stream\":\"imu.wrist\",\"t\":1,\"label\":\"{label}\",\"score\":{score.ToString(CultureInfo.InvariantCulture)}}}");

    private static JsonElement Json(string payload) => JsonDocument.Parse(payload).RootElement.Clone();

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public void Ids_keep_only_the_characters_home_assistant_allows()
    {
        Assert.Equal("pi_lab", HomeAssistantId.Of("pi.lab"));
        Assert.Equal("imu_wrist-2", HomeAssistantId.Of("imu.wrist-2"));
        Assert.Equal("a_b_c_", HomeAssistantId.Of("a b/c\u00e9"));
        Assert.Equal("_", HomeAssistantId.Of(""));
        foreach (var m in HomeAssistantDiscovery.ConfigsFor(Options(1), "imu.wrist", "hapt", "1.0", Labels))
        {
            var parts = m.Topic.Split('/');
            Assert.Equal(5, parts.Length);
            Assert.Matches(Id(), parts[2]); // node id
            Assert.Matches(Id(), parts[3]); // object id
            Assert.Matches(Id(), Json(Encoding.UTF8.GetString(m.Payload.Span)).GetProperty("unique_id").GetString()!);
        }
    }

    [Fact]
    public async Task Retained_configs_read_back_from_the_broker_follow_the_documented_schema()
    {
        using var broker = new MosquittoBroker();
        var options = Options(broker.Port);
        await using var publisher = new MqttPublisher(options);
        publisher.Start();
        publisher.Announce("imu.wrist", "hapt-lstm", ProcessMetrics.Version, Labels);
        Assert.True(publisher.Publish("imu.wrist", Line("walking", 0.91)));
        Assert.True(publisher.PublishLabelChange("imu.wrist", "walking"));

        // A subscriber arriving afterwards: what it gets is what the broker retained.
        await Task.Delay(500);
        await using var late = new Subscriber(broker.Port, "ha-late");
        await late.ConnectAsync("homeassistant/#", "edgelstm/#");
        const string sensorTopic = "homeassistant/sensor/edgelstm_pi_lab/imu_wrist/config";
        const string confidenceTopic = "homeassistant/sensor/edgelstm_pi_lab/imu_wrist_confidence/config";
        const string eventTopic = "homeassistant/event/edgelstm_pi_lab/imu_wrist/config";
        Assert.True(await late.WaitForAsync(m => new[] { sensorTopic, confidenceTopic, eventTopic, "edgelstm/pi.lab/imu.wrist" }
            .All(t => m.Any(x => x.Topic == t && x.Retain)), 30), string.Join(" | ", late.Messages.Select(x => x.Topic)));
        // The event is a moment, not a state: not retained.
        Assert.DoesNotContain(late.Messages, x => x.Topic == "edgelstm/pi.lab/imu.wrist/label_change");

        JsonElement Config(string topic) => Json(late.Messages.First(x => x.Topic == topic).Payload);
        var sensor = Config(sensorTopic);
        var confidence = Config(confidenceTopic);
        var @event = Config(eventTopic);
        foreach (var (config, keys) in new[] { (sensor, SensorKeys), (confidence, SensorKeys), (@event, EventKeys) })
        {
            Assert.All(config.EnumerateObject(), p => Assert.Contains(p.Name, keys));
            Assert.False(config.TryGetProperty("object_id", out _)); // deprecated for default_entity_id
            Assert.Matches(Id(), config.GetProperty("unique_id").GetString()!);
            Assert.Equal("edgelstm/pi.lab/status", config.GetProperty("availability_topic").GetString());
            Assert.Equal("online", config.GetProperty("payload_available").GetString());
            Assert.Equal("offline", config.GetProperty("payload_not_available").GetString());
            var device = config.GetProperty("device");
            Assert.Equal(["edgelstm_pi_lab"], Strings(device.GetProperty("identifiers")));
            Assert.Equal("EdgeLstm pi.lab", device.GetProperty("name").GetString());
            Assert.Equal("hapt-lstm", device.GetProperty("model").GetString());
            Assert.Equal(ProcessMetrics.Version, device.GetProperty("sw_version").GetString());
            var origin = config.GetProperty("origin");
            Assert.Equal("EdgeLstm", origin.GetProperty("name").GetString());
            Assert.Equal(ProcessMetrics.Version, origin.GetProperty("sw_version").GetString());
            Assert.False(origin.TryGetProperty("support_url", out _));
        }

        Assert.Equal("edgelstm_pi_lab_imu_wrist", sensor.GetProperty("unique_id").GetString());
        Assert.Equal("sensor.edgelstm_pi_lab_imu_wrist", sensor.GetProperty("default_entity_id").GetString());
        Assert.Equal("edgelstm/pi.lab/imu.wrist", sensor.GetProperty("state_topic").GetString());
        Assert.Equal("edgelstm/pi.lab/imu.wrist", sensor.GetProperty("json_attributes_topic").GetString());
        Assert.Equal("{{ value_json.label }}", sensor.GetProperty("value_template").GetString());
        Assert.Equal("enum", sensor.GetProperty("device_class").GetString());
        Assert.Equal(Labels, Strings(sensor.GetProperty("options")));

        Assert.Equal("sensor.edgelstm_pi_lab_imu_wrist_confidence", confidence.GetProperty("default_entity_id").GetString());
        Assert.Equal("edgelstm/pi.lab/imu.wrist", confidence.GetProperty("state_topic").GetString());
        Assert.Equal("{{ value_json.score }}", confidence.GetProperty("value_template").GetString());
        Assert.Equal("measurement", confidence.GetProperty("state_class").GetString());
        Assert.False(confidence.TryGetProperty("device_class", out _));

        Assert.Equal("event.edgelstm_pi_lab_imu_wrist_label_change", @event.GetProperty("default_entity_id").GetString());
        Assert.Equal("edgelstm/pi.lab/imu.wrist/label_change", @event.GetProperty("state_topic").GetString());
        Assert.Equal(Labels, Strings(@event.GetProperty("event_types")));

        // The state as published is what the templates read: the label is one of the options, the score a number.
        var state = Json(late.Messages.First(x => x.Topic == "edgelstm/pi.lab/imu.wrist").Payload);
        Assert.Contains(state.GetProperty("label").GetString(), Labels);
        Assert.Equal(0.91, state.GetProperty("score").GetDouble());
        await publisher.StopAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Each_streams_configs_go_out_before_its_first_state_and_again_when_home_assistant_comes_online()
    {
        using var broker = new MosquittoBroker();
        await using var subscriber = new Subscriber(broker.Port, "ha-order");
        await subscriber.ConnectAsync("homeassistant/+/+/+/config", "edgelstm/pi.lab/+");
        var options = Options(broker.Port);
        await using var publisher = new MqttPublisher(options);
        publisher.Start();
        Assert.True(await subscriber.WaitForAsync(m => m.Any(x => x.Topic == "edgelstm/pi.lab/status" && x.Payload == "online"), 30));
        // Streams announced while the publisher is connected and idle, each immediately followed by its first state.
        for (int s = 0; s < 20; s++)
        {
            publisher.Announce($"s.{s}", "hapt-lstm", "1.0", Labels);
            Assert.True(publisher.Publish($"s.{s}", Line("walking", 0.5)));
            if (s % 5 == 0) await Task.Delay(30);
        }
        Assert.True(await subscriber.WaitForAsync(m => m.Count(x => x.Topic.StartsWith("edgelstm/pi.lab/s.", StringComparison.Ordinal)) == 20, 30));
        var arrived = subscriber.Messages.Select(x => x.Topic).ToList();
        for (int s = 0; s < 20; s++)
        {
            int config = arrived.IndexOf($"homeassistant/sensor/edgelstm_pi_lab/s_{s}/config");
            int state = arrived.IndexOf($"edgelstm/pi.lab/s.{s}");
            Assert.True(config >= 0 && config < state, $"stream s.{s}: config at {config}, first state at {state}");
        }

        // Home Assistant's birth message: every config again (three per stream).
        int before = subscriber.Messages.Count(x => x.Topic.EndsWith("/config", StringComparison.Ordinal));
        Assert.Equal(60, before);
        await subscriber.PublishAsync("homeassistant/status", "online");
        Assert.True(await subscriber.WaitForAsync(m => m.Count(x => x.Topic.EndsWith("/config", StringComparison.Ordinal)) == 120, 30));
        await publisher.StopAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_replay_through_the_pipeline_fires_the_event_on_each_label_change_only()
    {
        using var broker = new MosquittoBroker();
        await using var subscriber = new Subscriber(broker.Port, "ha-pipeline");
        await subscriber.ConnectAsync("homeassistant/#", "edgelstm/#");
        string json = $$"""
            {
              "sources": [ { "name": "imu.wrist", "type": "file", "path": "{{TestModels.Recording}}", "speed": 50 } ],
              "streams": [ { "match": "*", "model": "default", "events": { "emit": "hop", "hop": 50 } } ],
              "sinks": [ { "type": "mqtt", "mqtt": { "port": {{broker.Port.ToString(CultureInfo.InvariantCulture)}}, "device": "pi.lab", "homeAssistantDiscovery": true } } ]
            }
            """;
        var pipeline = PipelineFactory.Build(ConfigReader.Parse(json, "test.json"), _ => TestModels.Streaming, _ => { });
        pipeline.Start();
        await pipeline.Completion.WaitAsync(TimeSpan.FromMinutes(3));
        long emitted = pipeline.Counters.Emitted;
        string stateTopic = subscriber.Messages.FirstOrDefault(x => x.Topic.StartsWith("edgelstm/pi.lab/", StringComparison.Ordinal)
                                                                  && !x.Topic.EndsWith("/status", StringComparison.Ordinal)).Topic ?? "";
        Assert.True(await subscriber.WaitForAsync(m => m.Count(x => x.Topic == stateTopic) == emitted, 30), $"{stateTopic}: of {emitted}");

        var arrived = subscriber.Messages.ToList();
        var sensor = Json(arrived.First(x => x.Topic.StartsWith("homeassistant/sensor/", StringComparison.Ordinal)).Payload);
        Assert.Equal(stateTopic, sensor.GetProperty("state_topic").GetString());
        Assert.Equal(TestModels.Streaming.Metadata.Name, sensor.GetProperty("device").GetProperty("model").GetString());
        var options = Strings(sensor.GetProperty("options"));
        Assert.Equal(TestModels.Streaming.Metadata.Labels, options);
        Assert.True(arrived.FindIndex(x => x.Topic.StartsWith("homeassistant/", StringComparison.Ordinal))
                    < arrived.FindIndex(x => x.Topic == stateTopic));

        var labels = arrived.Where(x => x.Topic == stateTopic).Select(x => Json(x.Payload).GetProperty("label").GetString()).ToList();
        var changes = labels.Where((l, i) => i == 0 || l != labels[i - 1]).ToList();
        var events = arrived.Where(x => x.Topic == stateTopic + "/label_change").Select(x => Json(x.Payload).GetProperty("event_type").GetString()).ToList();
        Assert.Equal(changes, events);
        Assert.All(events, e => Assert.Contains(e, options));
    }
}
