using System.Buffers;
using System.Text.Json;

namespace EdgeLstm.Daemon.Mqtt;

/// <summary>
/// Home Assistant MQTT discovery: three retained configs per stream, after HA's documented schema
/// (https://www.home-assistant.io/integrations/mqtt/ for the topic, ids, <c>origin</c> and
/// <c>default_entity_id</c>; /integrations/sensor.mqtt/ and /integrations/event.mqtt/ for the
/// entities): an activity sensor (<c>device_class: enum</c>, state = the label, attributes = the
/// whole JSON line), a confidence sensor (the score) and an event entity fired on each label
/// change. All are available while our status topic says "online"; HA announces its own restarts
/// on {prefix}/status and the configs are republished then.
/// </summary>
public static class HomeAssistantDiscovery
{
    public const string OriginName = "EdgeLstm";

    public static string BirthTopic(MqttOptions options) => $"{options.HomeAssistantPrefix}/status";

    /// <summary>Where a stream's label changes go (not retained: an event is a moment, not a state).</summary>
    public static string EventTopic(MqttOptions options, string stream) => $"{options.TopicFor(stream)}/label_change";

    /// <summary>The event entity's payload for a change to <paramref name="label"/>: {"event_type":label}.</summary>
    public static byte[] EventPayload(string label)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("event_type", label);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The stream's configs: activity sensor, confidence sensor, label-change event.</summary>
    public static MqttMessage[] ConfigsFor(MqttOptions options, string stream, string modelName, string version, IReadOnlyList<string> labels)
    {
        string node = $"edgelstm_{HomeAssistantId.Of(options.Device)}";
        string objectId = HomeAssistantId.Of(stream);
        string id = $"{node}_{objectId}";
        string state = options.TopicFor(stream);
        return
        [
            Config(options, "sensor", node, objectId, id, json =>
            {
                json.WriteString("name", $"{stream} activity");
                json.WriteString("state_topic", state);
                json.WriteString("value_template", "{{ value_json.label }}");
                json.WriteString("json_attributes_topic", state);
                json.WriteString("device_class", "enum");
                json.WriteStartArray("options");
                foreach (var label in labels) json.WriteStringValue(label);
                json.WriteEndArray();
                json.WriteString("icon", "mdi:motion-sensor");
            }, modelName, version),
            Config(options, "sensor", node, $"{objectId}_confidence", $"{id}_confidence", json =>
            {
                json.WriteString("name", $"{stream} confidence");
                json.WriteString("state_topic", state);
                json.WriteString("value_template", "{{ value_json.score }}");
                json.WriteString("state_class", "measurement");
                json.WriteNumber("suggested_display_precision", 2);
                json.WriteString("icon", "mdi:gauge");
            }, modelName, version),
            Config(options, "event", node, objectId, $"{id}_label_change", json =>
            {
                json.WriteString("name", $"{stream} label change");
                json.WriteString("state_topic", EventTopic(options, stream));
                json.WriteStartArray("event_types");
                foreach (var label in labels) json.WriteStringValue(label);
                json.WriteEndArray();
                json.WriteString("icon", "mdi:swap-horizontal");
            }, modelName, version),
        ];
    }

    private static MqttMessage Config(MqttOptions options, string component, string node, string objectId, string uniqueId,
                                      Action<Utf8JsonWriter> entity, string modelName, string version)
    {
        var buffer = new ArrayBufferWriter<byte>(768);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("unique_id", uniqueId);
            json.WriteString("default_entity_id", $"{component}.{HomeAssistantId.Entity(uniqueId)}");
            entity(json);
            json.WriteString("availability_topic", options.StatusTopicResolved);
            json.WriteString("payload_available", MqttPublisher.Online);
            json.WriteString("payload_not_available", MqttPublisher.Offline);
            json.WriteStartObject("device");
            json.WriteStartArray("identifiers");
            json.WriteStringValue(node);
            json.WriteEndArray();
            json.WriteString("name", $"EdgeLstm {options.Device}");
            json.WriteString("manufacturer", "EdgeLstm");
            json.WriteString("model", modelName);
            json.WriteString("sw_version", version);
            json.WriteEndObject();
            json.WriteStartObject("origin");
            json.WriteString("name", OriginName);
            json.WriteString("sw_version", version);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return new MqttMessage($"{options.HomeAssistantPrefix}/{component}/{node}/{objectId}/config", buffer.WrittenSpan.ToArray(), 1, retain: true);
    }
}
