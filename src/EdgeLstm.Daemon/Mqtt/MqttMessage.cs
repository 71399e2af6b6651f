namespace EdgeLstm.Daemon.Mqtt;

/// <summary>One message waiting for the broker.</summary>
public sealed record MqttMessage(string Topic, byte[] Payload, int Qos, bool Retain);
