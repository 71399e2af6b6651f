namespace EdgeLstm.Daemon.Sources;

/// <summary>Wire format of a source.</summary>
public enum InputFormat
{
    /// <summary>Text lines (Edge Impulse data-forwarder convention, optional header).</summary>
    Text,
    /// <summary>Binary frames of docs/protocol.md.</summary>
    Binary,
    /// <summary>One JSON message per unit (MQTT), as ESP32 sketches write them with ArduinoJson (docs/protocol.md).</summary>
    Json,
}
