using System.Globalization;
using System.Text.Json;
using EdgeLstm.Daemon.Configuration;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Service;

namespace EdgeLstm.Daemon.Tests.Mqtt;

/// <summary>
/// A pipeline with an MQTT sink from a configuration, its broker a real mosquitto on 127.0.0.1
/// that is away: /health turns unhealthy after `unhealthyAfterMs`, /metrics and the status report
/// show the link, and every classification lost is counted once, in messages.
/// </summary>
public class MqttHealthAndMetricsTests
{
    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The value of one Prometheus sample (name with its labels as written), or null when absent.</summary>
    private static double? Sample(string metrics, string series)
    {
        foreach (string line in metrics.Split('\n'))
            if (line.StartsWith(series + " ", StringComparison.Ordinal)) return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
        return null;
    }

    private static Task<bool> WaitAsync(Func<bool> condition, int seconds = 30) => EdgeLstm.Tests.Shared.Eventually.TrueAsync(condition, seconds);

    [Fact]
    public async Task An_unreachable_broker_turns_health_unhealthy_and_shows_in_metrics_and_status_until_it_is_back()
    {
        using var broker = new MosquittoBroker();
        broker.Stop();
        string json = $$"""
            {
              "sources": [ { "name": "net", "type": "tcp", "port": 0 } ],
              "sinks": [ { "type": "mqtt", "mqtt": { "port": {{Port(broker.Port)}}, "device": "pi", "reconnectMinMs": 50, "reconnectMaxMs": 100,
                                                   "unhealthyAfterMs": 1000 } } ]
            }
            """;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var pipeline = PipelineFactory.Build(ConfigReader.Parse(json, "test.json"), _ => TestModels.Streaming, log.Enqueue);
        var health = new HealthCheck(pipeline, [TimeSpan.Zero]);
        pipeline.Start();
        try
        {
            string sink = $"sink=\"127.0.0.1:{Port(broker.Port)}\"";
            Assert.True(health.Check().Healthy, "unhealthy before unhealthyAfterMs passed");
            Assert.True(await WaitAsync(() => !health.Check().Healthy), $"still healthy; log: {string.Join(" | ", log)}");
            string reason = health.Check().Reason;
            Assert.Contains($"mqtt sink '127.0.0.1:{Port(broker.Port)}' disconnected for ", reason, StringComparison.Ordinal);
            Assert.Contains("ConnectionRefused", reason, StringComparison.Ordinal);

            string metrics = ServiceReport.Prometheus(pipeline, health, 1);
            Assert.Equal(0, Sample(metrics, "edgelstm_healthy"));
            Assert.Equal(0, Sample(metrics, $"edgelstm_mqtt_connected{{{sink}}}"));
            Assert.True(Sample(metrics, $"edgelstm_mqtt_connect_failures_total{{{sink}}}") >= 1, metrics);
            Assert.Equal(0, Sample(metrics, $"edgelstm_mqtt_connects_total{{{sink}}}"));
            Assert.Equal(0, Sample(metrics, $"edgelstm_mqtt_queued_messages{{{sink}}}"));
            Assert.True(Sample(metrics, $"edgelstm_mqtt_disconnected_seconds{{{sink}}}") > 1, metrics);
            Assert.Equal(0, Sample(metrics, $"edgelstm_mqtt_messages_total{{{sink},outcome=\"dropped_queue_full\"}}"));

            using (var status = JsonDocument.Parse(ServiceReport.Status(pipeline, health, 1)))
            {
                Assert.False(status.RootElement.GetProperty("healthy").GetBoolean());
                var link = Assert.Single(status.RootElement.GetProperty("mqtt").EnumerateArray());
                Assert.Equal($"127.0.0.1:{Port(broker.Port)}", link.GetProperty("sink").GetString());
                Assert.False(link.GetProperty("connected").GetBoolean());
                Assert.Equal("ConnectionRefused", link.GetProperty("last_failure").GetString());
                Assert.True(link.GetProperty("connect_failures").GetInt64() >= 1);
            }

            broker.Start();
            Assert.True(await WaitAsync(() => health.Check().Healthy), $"unhealthy with the broker back: {health.Check().Reason}; log: {string.Join(" | ", log)}");
            metrics = ServiceReport.Prometheus(pipeline, health, 2);
            Assert.Equal(1, Sample(metrics, $"edgelstm_mqtt_connected{{{sink}}}"));
            Assert.Equal(1, Sample(metrics, $"edgelstm_mqtt_connects_total{{{sink}}}"));
            Assert.Equal(0, Sample(metrics, $"edgelstm_mqtt_disconnected_seconds{{{sink}}}"));
            // The refused connections were logged once for their one reason, not at every retry.
            Assert.Single(log, l => l.Contains("cannot connect", StringComparison.Ordinal) && l.Contains("ConnectionRefused", StringComparison.Ordinal));

            // The broker goes away again: the lost connection shows at once (not at the next publish), and is logged.
            broker.Stop();
            Assert.True(await WaitAsync(() => Sample(ServiceReport.Prometheus(pipeline, health, 3), $"edgelstm_mqtt_connected{{{sink}}}") == 0, 10),
                $"still connected; log: {string.Join(" | ", log)}");
            Assert.True(await WaitAsync(() => log.Any(l => l.Contains("lost: closed by the broker", StringComparison.Ordinal)), 10), $"log: {string.Join(" | ", log)}");
        }
        finally
        {
            await pipeline.StopAsync();
        }
    }

    [Fact]
    public async Task Every_classification_lost_to_a_full_queue_or_at_stop_is_counted_once_in_messages()
    {
        using var broker = new MosquittoBroker();
        broker.Stop(); // away for the whole run: nothing can be published
        string json = $$"""
            {
              "sources": [ { "name": "imu", "type": "file", "path": "{{TestModels.Recording}}", "maxSpeed": true } ],
              "streams": [ { "match": "*", "model": "default", "events": { "emit": "hop", "hop": 50 } } ],
              "sinks": [ { "type": "mqtt", "mqtt": { "port": {{Port(broker.Port)}}, "device": "pi", "queueCapacity": 20 } } ]
            }
            """;
        var pipeline = PipelineFactory.Build(ConfigReader.Parse(json, "test.json"), _ => TestModels.Streaming, _ => { });
        var health = new HealthCheck(pipeline, [TimeSpan.Zero]);
        pipeline.Start();
        await pipeline.Completion.WaitAsync(TimeSpan.FromMinutes(3)); // includes the sink's 10 s drain attempt at stop

        long emitted = pipeline.Counters.Emitted;
        Assert.True(emitted > 300, $"{emitted} classifications");
        string sink = $"sink=\"127.0.0.1:{Port(broker.Port)}\"";
        string metrics = ServiceReport.Prometheus(pipeline, health, 1);
        double queueFull = Sample(metrics, $"edgelstm_mqtt_messages_total{{{sink},outcome=\"dropped_queue_full\"}}") ?? -1;
        double atStop = Sample(metrics, $"edgelstm_mqtt_messages_total{{{sink},outcome=\"dropped_at_stop\"}}") ?? -1;
        // The queue held 20 (and one more may have been in flight, outside it); those are lost at stop, without a spool file.
        Assert.InRange(atStop, 20, 21);
        Assert.Equal(emitted, queueFull + atStop);
        Assert.Equal(0, Sample(metrics, $"edgelstm_mqtt_messages_total{{{sink},outcome=\"published\"}}"));
        Assert.Equal(0, Sample(metrics, $"edgelstm_mqtt_messages_total{{{sink},outcome=\"spooled\"}}"));
        Assert.Equal(0, Sample(metrics, $"edgelstm_mqtt_queued_messages{{{sink}}}"));
        // sink_errors counts the same losses, in messages (not one per block with a loss).
        Assert.Equal(emitted, pipeline.Counters.SinkErrors);
        Assert.Equal(emitted, Sample(metrics, "edgelstm_sink_errors_total"));

        // The --summary at exit tells the same.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) PipelineReport.WriteSummary(w, pipeline, 1);
        using var summary = JsonDocument.Parse(buffer.WrittenMemory);
        var link = Assert.Single(summary.RootElement.GetProperty("mqtt").EnumerateArray());
        Assert.Equal(atStop, link.GetProperty("dropped").GetProperty("at_stop").GetInt64());
        Assert.Equal(queueFull, link.GetProperty("dropped").GetProperty("queue_full").GetInt64());
        Assert.Equal(emitted, summary.RootElement.GetProperty("sink_errors").GetInt64());
    }

    [Fact]
    public async Task Messages_unsent_at_stop_with_a_spool_are_counted_as_spooled_not_lost()
    {
        using var broker = new MosquittoBroker();
        broker.Stop();
        string spool = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-spool").FullName, "mqtt.spool");
        string json = $$"""
            {
              "sources": [ { "name": "imu", "type": "file", "path": "{{TestModels.Recording}}", "maxSpeed": true } ],
              "streams": [ { "match": "*", "model": "default", "events": { "emit": "hop", "hop": 50 } } ],
              "sinks": [ { "type": "mqtt", "mqtt": { "port": {{Port(broker.Port)}}, "device": "pi", "spoolFile": "{{spool}}" } } ]
            }
            """;
        var pipeline = PipelineFactory.Build(ConfigReader.Parse(json, "test.json"), _ => TestModels.Streaming, _ => { });
        pipeline.Start();
        await pipeline.Completion.WaitAsync(TimeSpan.FromMinutes(3));

        long emitted = pipeline.Counters.Emitted;
        using var status = JsonDocument.Parse(ServiceReport.Status(pipeline, new HealthCheck(pipeline, [TimeSpan.Zero]), 1));
        var link = Assert.Single(status.RootElement.GetProperty("mqtt").EnumerateArray());
        Assert.Equal(emitted, link.GetProperty("spooled").GetInt64());
        Assert.Equal(0, link.GetProperty("dropped").GetProperty("at_stop").GetInt64());
        Assert.Equal(0, link.GetProperty("dropped").GetProperty("queue_full").GetInt64());
        Assert.Equal(0, pipeline.Counters.SinkErrors);
        Assert.Equal(emitted, MessageSpoolCount(spool));
    }

    private static long MessageSpoolCount(string spool) => Daemon.Mqtt.MessageSpool.Take(spool).Messages.Count;
}
