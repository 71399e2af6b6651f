using System.Buffers;
using System.Text.Json;

namespace EdgeLstm.Daemon.Mqtt;

/// <summary>
/// Home Assistant MQTT discovery: one retained config message per stream makes the stream's
/// classification appear as a sensor entity (state = the label, attributes = the whole JSON
/// line), available while our status topic says "online". Home Assistant announces its own
/// restarts on {prefix}/status; configs are republished then.
/// </summary>
public static class HomeAssistantDiscovery
{
    public static string BirthTopic(MqttOptions options) => $"{options.HomeAssistantPrefix}/status";

    public static MqttMessage ConfigFor(MqttOptions options, string stream, string modelName, string version)
    {
        string device = MqttOptions.TopicSafe(options.Device);
        string objectId = MqttOptions.TopicSafe(stream);
        string topic = $"{options.HomeAssistantPrefix}/sensor/edgelstm_{device}/{objectId}/config";
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("name", $"{stream} activity");
            json.WriteString("unique_id", $"edgelstm_{device}_{objectId}");
            json.WriteString("object_id", $"edgelstm_{device}_{objectId}");
            json.WriteString("state_topic", options.TopicFor(stream));
            json.WriteString("value_template", "{{ value_json.label }}");
            json.WriteString("json_attributes_topic", options.TopicFor(stream));
            json.WriteString("availability_topic", options.StatusTopicResolved);
            json.WriteString("payload_available", MqttPublisher.Online);
            json.WriteString("payload_not_available", MqttPublisher.Offline);
            json.WriteString("icon", "mdi:motion-sensor");
            json.WriteStartObject("device");
            json.WriteStartArray("identifiers");
            json.WriteStringValue($"edgelstm_{device}");
            json.WriteEndArray();
            json.WriteString("name", $"EdgeLstm {options.Device}");
            json.WriteString("manufacturer", "EdgeLstm");
            json.WriteString("model", modelName);
            json.WriteString("sw_version", version);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return new MqttMessage(topic, buffer.WrittenSpan.ToArray(), 1, Retain: true);
    }
}
