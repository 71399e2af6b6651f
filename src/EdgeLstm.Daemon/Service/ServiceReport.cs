using System.Buffers;
using System.Text;
using System.Text.Json;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Mqtt;

namespace EdgeLstm.Daemon.Service;

/// <summary>
/// What a running service tells about itself, built at request time (never per sample): the
/// Prometheus text of GET /metrics, and the JSON object the status socket answers (`edgelstm status`).
/// </summary>
public static class ServiceReport
{
    // Latency bucket bounds in seconds: 100 µs to 10 s, the range a live pipeline spans.
    private static readonly double[] LatencyBounds = [1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public static string Prometheus(Pipeline pipeline, HealthCheck health, double uptimeSeconds)
    {
        var c = pipeline.Counters;
        var text = new PrometheusText()
            .Gauge("edgelstm_up", "1 while the pipeline runs", pipeline.IsRunning ? 1 : 0)
            .Gauge("edgelstm_healthy", "1 while every source that should be live delivers data and every MQTT sink reaches its broker (see /health)", health.Check().Healthy ? 1 : 0)
            .Gauge("edgelstm_stalled", "1 while a stage has work waiting and makes no progress (see /health)", health.Stall.Stalled ? 1 : 0)
            .Gauge("edgelstm_uptime_seconds", "Seconds since the service started", uptimeSeconds)
            .Counter("edgelstm_reloads_total", "Configuration reloads (SIGHUP) applied", pipeline.Generation)
            .Counter("edgelstm_bytes_received_total", "Bytes read from all sources", c.Received)
            .Counter("edgelstm_bytes_total", "Bytes read, by what became of them", c.DecodedBytes, ("outcome", "decoded"))
            .Counter("edgelstm_bytes_total", "Bytes read, by what became of them", c.RejectedBytes, ("outcome", "rejected"))
            .Counter("edgelstm_bytes_total", "Bytes read, by what became of them", c.SkippedBytes, ("outcome", "garbage"))
            .Counter("edgelstm_bytes_total", "Bytes read, by what became of them", c.OtherPartitionByteCount, ("outcome", "other_partition"))
            .Counter("edgelstm_samples_total", "Samples by pipeline stage", c.Decoded, ("stage", "decoded"))
            .Counter("edgelstm_samples_total", "Samples by pipeline stage", c.Accepted, ("stage", "accepted"))
            .Counter("edgelstm_samples_total", "Samples by pipeline stage", c.Classified, ("stage", "classified"))
            .Counter("edgelstm_other_partition_samples_total", "Samples of streams in other gateways' partitions, set aside unclassified", c.OtherPartitionCount)
            .Gauge("edgelstm_partition_info", "This gateway's partition: index of count (1 of 1 classifies every stream)", 1,
                   ("index", pipeline.Streams.Partition.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                   ("count", pipeline.Streams.Partition.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Counter("edgelstm_classifications_total", "Classifications emitted", c.Emitted)
            .Counter("edgelstm_lines_written_total", "Classifications written to the sinks", c.Written);
        for (int i = 0; i < RejectReasons.Count; i++)
            text.Counter("edgelstm_rejected_total", "Input records rejected, by reason", c.RejectedBy((RejectReason)i), ("reason", RejectReasons.Names[i]));
        text.Counter("edgelstm_dropped_total", "Samples or classifications dropped, by stage", Volatile.Read(ref c.DroppedInput), ("stage", "input"))
            .Counter("edgelstm_dropped_total", "Samples or classifications dropped, by stage", Volatile.Read(ref c.DroppedOutput), ("stage", "output"))
            .Counter("edgelstm_dropped_total", "Samples or classifications dropped, by stage", Volatile.Read(ref c.DroppedAtStop), ("stage", "at_stop"))
            .Counter("edgelstm_unmapped_samples_total", "Samples whose columns did not map to the model's inputs", Volatile.Read(ref c.UnmappedSamples))
            .Counter("edgelstm_stream_sessions_total", "Classifier sessions created (a stream's first sample, and after a reload)", c.StreamSessions)
            .Counter("edgelstm_batched_calls_total", "Batched steps: one call stepping the staged streams of one lane group (docs/batching.md)", c.BatchedCalls)
            .Counter("edgelstm_batched_samples_total", "Samples stepped in batched calls (divided by the calls: the mean batch)", c.BatchedSampleCount)
            .Counter("edgelstm_resets_total", "Recurrent state resets, by policy", Volatile.Read(ref c.ResetsGap), ("policy", "gap"))
            .Counter("edgelstm_resets_total", "Recurrent state resets, by policy", Volatile.Read(ref c.ResetsDrop), ("policy", "drop"))
            .Counter("edgelstm_resets_total", "Recurrent state resets, by policy", Volatile.Read(ref c.ResetsTimeout), ("policy", "timeout"))
            .Counter("edgelstm_resets_total", "Recurrent state resets, by policy", Volatile.Read(ref c.ResetsEvery), ("policy", "every"))
            .Counter("edgelstm_source_outages_total", "Times a source lost its device or connection", c.Outages)
            .Counter("edgelstm_source_reopens_total", "Times a source reopened after an outage", c.Reopens)
            .Counter("edgelstm_sink_errors_total", "Failed sink writes (blocks; for MQTT sinks, lost messages)", Volatile.Read(ref c.SinkErrors));
        var (input, output) = pipeline.Queued;
        text.Gauge("edgelstm_queued_batches", "Batches waiting between stages", input, ("queue", "input"))
            .Gauge("edgelstm_queued_batches", "Batches waiting between stages", output, ("queue", "output"));
        foreach (var source in pipeline.Sources)
            if (source is Sources.TcpServerSource tcp)
                text.Counter("edgelstm_connections_idle_closed_total", "TCP connections closed after idleTimeoutMs without data", tcp.IdleClosed, ("source", tcp.Name));
        foreach (var (source, seconds) in health.Silences())
            text.Gauge("edgelstm_source_silence_seconds", "Seconds since the source last delivered data", Math.Round(seconds, 3), ("source", source));
        WriteMqtt(text, c.MqttLinks);
        WriteMqttSources(text, [.. pipeline.Sources.OfType<Sources.MqttSource>().Select(m => m.Link)]);
        text.Histogram("edgelstm_latency_seconds", "Arrival to written, per classification", c.Latency.Cumulative(LatencyBounds), c.Latency.SumSeconds, c.Latency.Count);
        ProcessMetrics.Write(text);
        return text.ToString();
    }

    /// <summary>Each MQTT sink's link, labelled by sink; a family's samples stay together, as the text format wants.</summary>
    private static void WriteMqtt(PrometheusText text, IReadOnlyList<MqttLinkState> links)
    {
        WriteMqttConnections(text, links, "edgelstm_mqtt", "sink");
        foreach (var l in links) text.Gauge("edgelstm_mqtt_queued_messages", "Messages waiting for the broker in the MQTT sink's queue", l.Queued, ("sink", l.Name));
        const string help = "MQTT messages by outcome";
        foreach (var l in links)
        {
            text.Counter("edgelstm_mqtt_messages_total", help, l.Published, ("sink", l.Name), ("outcome", "published"))
                .Counter("edgelstm_mqtt_messages_total", help, l.DroppedQueueFull, ("sink", l.Name), ("outcome", "dropped_queue_full"))
                .Counter("edgelstm_mqtt_messages_total", help, l.DroppedAtStop, ("sink", l.Name), ("outcome", "dropped_at_stop"))
                .Counter("edgelstm_mqtt_messages_total", help, l.DroppedRefused, ("sink", l.Name), ("outcome", "dropped_refused"))
                .Counter("edgelstm_mqtt_messages_total", help, l.Spooled, ("sink", l.Name), ("outcome", "spooled"));
        }
    }

    /// <summary>Each MQTT source's link, labelled by source (families of their own: a source publishes nothing).</summary>
    private static void WriteMqttSources(PrometheusText text, IReadOnlyList<MqttLinkState> links)
    {
        WriteMqttConnections(text, links, "edgelstm_mqtt_source", "source");
        const string help = "MQTT messages delivered to the source, and those acknowledged (QoS 1) once in the pipeline";
        foreach (var l in links)
            text.Counter("edgelstm_mqtt_source_messages_total", help, l.Received, ("source", l.Name), ("outcome", "received"))
                .Counter("edgelstm_mqtt_source_messages_total", help, l.Acknowledged, ("source", l.Name), ("outcome", "acknowledged"));
    }

    /// <summary>The connection families of MQTT links (<paramref name="family"/>_connected, ...), labelled by <paramref name="role"/>.</summary>
    private static void WriteMqttConnections(PrometheusText text, IReadOnlyList<MqttLinkState> links, string family, string role)
    {
        string of = role == "sink" ? "MQTT" : "MQTT source";
        foreach (var l in links) text.Gauge($"{family}_connected", $"1 while the MQTT {role} is connected to its broker", l.Connected ? 1 : 0, (role, l.Name));
        foreach (var l in links)
            text.Gauge($"{family}_disconnected_seconds", $"Seconds the MQTT {role} has been disconnected (0 while connected)", Math.Round(l.DisconnectedFor?.TotalSeconds ?? 0, 3), (role, l.Name));
        foreach (var l in links) text.Counter($"{family}_connects_total", $"Successful {of} connections (the first and every reconnection)", l.Connects, (role, l.Name));
        foreach (var l in links) text.Counter($"{family}_connect_failures_total", $"Failed {of} connection attempts", l.ConnectFailures, (role, l.Name));
    }

    /// <summary>One JSON object and a newline: health, uptime, reloads, every counter as in `--summary`, then each MQTT sink's link ("mqtt").</summary>
    public static string Status(Pipeline pipeline, HealthCheck health, double uptimeSeconds)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            var h = health.Check();
            w.WriteStartObject();
            w.WriteBoolean("running", pipeline.IsRunning);
            w.WriteBoolean("healthy", h.Healthy);
            w.WriteBoolean("stalled", health.Stall.Stalled);
            if (!h.Healthy) w.WriteString("unhealthy", h.Reason);
            w.WriteNumber("uptime_s", Math.Round(uptimeSeconds, 1));
            w.WriteNumber("reloads", pipeline.Generation);
            PipelineReport.WritePartition(w, pipeline);
            pipeline.Counters.WriteProperties(w);
            long idleClosed = pipeline.Sources.OfType<Sources.TcpServerSource>().Sum(t => t.IdleClosed);
            w.WriteNumber("connections_idle_closed", idleClosed);
            w.WriteStartArray("mqtt");
            foreach (var link in pipeline.Counters.MqttLinks) link.WriteTo(w);
            w.WriteEndArray();
            w.WriteStartArray("mqtt_sources");
            foreach (var source in pipeline.Sources.OfType<Sources.MqttSource>()) source.Link.WriteTo(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }
}
