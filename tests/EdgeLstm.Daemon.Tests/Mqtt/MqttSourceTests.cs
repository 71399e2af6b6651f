using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeLstm.Daemon.Configuration;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Decoding;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Service;
using EdgeLstm.Daemon.Sinks;
using EdgeLstm.Daemon.Sources;
using EdgeLstm.Daemon.Tests.Faults;

namespace EdgeLstm.Daemon.Tests.Mqtt;

/// <summary>
/// The MQTT source against a real mosquitto on 127.0.0.1, fed by MQTTnet publishers standing in
/// for the sensor nodes: every payload form, wildcards and stream names, garbage counted by reason
/// while other streams flow, a gateway restart with QoS 1 and a persistent session losing nothing
/// the broker held, a broker restart survived with backoff, and the accounting invariant.
/// </summary>
public class MqttSourceTests
{
    private static readonly string Channels = string.Join(',', TestModels.Channels);

    /// <summary>A pipeline from the configuration's sources, every classification written (emit hop 1) to memory.</summary>
    private sealed class Gateway : IAsyncDisposable
    {
        private readonly Stream _output;
        public ConcurrentQueue<string> Log { get; } = new();
        public Pipeline Pipeline { get; }

        /// <param name="discard">Write to Stream.Null (a growing memory stream allocates in the sink stage), counting only.</param>
        /// <param name="sink">Replaces the memory sink (then <see cref="ByStream"/> is not available).</param>
        public Gateway(int port, string sources, bool discard = false, ISink? sink = null, string pipeline = "{ \"batchSize\": 16 }")
        {
            _output = discard || sink is not null ? Stream.Null : new MemoryStream();
            string json = $$"""
                {
                  "sources": {{sources.Replace("PORT", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)}},
                  "streams": [ { "match": "*", "model": "default", "reset": { "timeoutMs": 0 }, "events": { "emit": "hop", "hop": 1 } } ],
                  "pipeline": {{pipeline}}
                }
                """;
            Pipeline = PipelineFactory.Build(ConfigReader.Parse(json, "test.json"), _ => TestModels.Streaming, Log.Enqueue,
                                             sinks: [sink ?? new StreamSink("memory", _output, ownsStream: false)]);
        }

        public MqttSource Source(int i = 0) => (MqttSource)Pipeline.Sources[i];

        public async Task StartAsync()
        {
            Pipeline.Start();
            for (int i = 0; i < Pipeline.Sources.Count; i++)
                Assert.True(await Until(() => Source(i).Link.Connected), $"source {i} did not connect: {string.Join(" | ", Log)}");
        }

        /// <summary>Classifications per stream so far.</summary>
        public Dictionary<string, int> ByStream()
        {
            string text;
            lock (_output) text = Encoding.UTF8.GetString(((MemoryStream)_output).ToArray());
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("stream").GetString()!)
                .GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        }

        /// <summary>Each stream's lines so far, in order, without <c>time</c> (arrival time differs between gateways).</summary>
        public Dictionary<string, List<string>> LinesByStream()
        {
            string text;
            lock (_output) text = Encoding.UTF8.GetString(((MemoryStream)_output).ToArray());
            var byStream = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var o = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
                o.Remove("time");
                string stream = (string)o["stream"]!;
                if (!byStream.TryGetValue(stream, out var list)) byStream[stream] = list = [];
                list.Add(o.ToJsonString());
            }
            return byStream;
        }

        public string Why => $"counters: {Counters()}; log: {string.Join(" | ", Log)}";

        private string Counters()
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                Pipeline.Counters.WriteProperties(w);
                w.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        public async ValueTask DisposeAsync()
        {
            if (Pipeline.IsRunning) await Pipeline.StopAsync();
        }
    }

    private static Task<bool> Until(Func<bool> condition, int seconds = 30) => EdgeLstm.Tests.Shared.Eventually.TrueAsync(condition, seconds);

    /// <summary>The model's channels by name, values derived from v.</summary>
    private static string Fields(int v) =>
        string.Join(',', TestModels.Channels.Select((c, i) => string.Create(CultureInfo.InvariantCulture, $"\"{c}\":{(v % 50 + i) * 0.01f:R}")));

    private static string Sample(int seq, int v) => "{" + Fields(v) + ",\"seq\":" + seq.ToString(CultureInfo.InvariantCulture) + "}";

    private static byte[] Frames(ushort id, uint seq, int samples)
    {
        var values = Enumerable.Range(0, samples * 6).Select(i => (float)(i % 7) / 7).ToArray();
        var buffer = new byte[BinaryFrame.Size(SampleFormat.Float32, 6, samples) * 2];
        int n = BinaryFrame.Write(buffer, SampleFormat.Float32, id, seq, 0, 20_000, 6, values);
        n += BinaryFrame.Write(buffer.AsSpan(n), SampleFormat.Float32, id, seq + (uint)samples, 0, 20_000, 6, values);
        return buffer[..n];
    }

    /// <summary>
    /// One source of many streams uses every classifier worker: its streams take the workers in
    /// turn, each stream keeps its worker (its samples in order, its classifier touched by one), and
    /// every stream's classifications equal those of a gateway with one worker.
    /// </summary>
    [Fact]
    public async Task One_source_spreads_its_streams_over_the_workers_and_classifies_as_one_worker_does()
    {
        using var broker = new MosquittoBroker();
        string Sources(string id) => """[ { "name": "nodes", "type": "mqtt", "format": "json", "topics": ["sensors/+/imu"], "mqtt": { "port": PORT, "clientId": "ID" } } ]""".Replace("ID", id, StringComparison.Ordinal);
        await using var one = new Gateway(broker.Port, Sources("one"), pipeline: """{ "batchSize": 16, "classifierWorkers": 1 }""");
        await using var three = new Gateway(broker.Port, Sources("three"), pipeline: """{ "batchSize": 16, "classifierWorkers": 3 }""");
        await one.StartAsync();
        await three.StartAsync();
        Assert.Equal(1, one.Pipeline.Workers);
        Assert.Equal(3, three.Pipeline.Workers);
        await using var node = new Subscriber(broker.Port, "node");
        await node.ConnectAsync();
        const int streams = 9, messages = 6, perMessage = 4;
        for (int m = 0; m < messages; m++)
            for (int k = 0; k < streams; k++)
                await node.PublishAtLeastOnceAsync($"sensors/node-{k}/imu", "{\"seq\":" + (m * perMessage).ToString(CultureInfo.InvariantCulture) + ",\"samples\":["
                    + string.Join(',', Enumerable.Range(0, perMessage).Select(i => "{" + Fields(k * 7 + m * perMessage + i) + "}")) + "]}");
        const int total = streams * messages * perMessage;
        Assert.True(await Until(() => one.Pipeline.Counters.SamplesClassified == total && three.Pipeline.Counters.SamplesClassified == total),
            $"one: {one.Why}; three: {three.Why}");
        await one.Pipeline.StopAsync();
        await three.Pipeline.StopAsync();
        var expected = one.LinesByStream();
        var actual = three.LinesByStream();
        Assert.Equal(streams, expected.Count);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (stream, lines) in expected) Assert.Equal(lines, actual[stream]);
        Assert.Equal([total / 3, total / 3, total / 3], three.Pipeline.ClassifiedByWorker); // three streams each
        Accounting.AssertBalanced(three.Pipeline.Counters, "three workers");
    }

    [Fact]
    public async Task Every_payload_form_decodes_into_the_stream_its_topic_names()
    {
        using var broker = new MosquittoBroker();
        await using var gateway = new Gateway(broker.Port, """
            [ { "name": "lines", "type": "mqtt", "format": "text", "topics": ["text/+/imu"], "mqtt": { "port": PORT } },
              { "name": "frames", "type": "mqtt", "format": "binary", "topics": ["bin/#"], "qos": 0, "mqtt": { "port": PORT } },
              { "name": "nodes", "type": "mqtt", "format": "json", "topics": ["sensors/+/imu", "farm/+/+/acc"], "mqtt": { "port": PORT } },
              { "name": "picked", "type": "mqtt", "format": "json", "topics": ["site/#"], "streamLevels": [2], "mqtt": { "port": PORT } } ]
            """);
        await gateway.StartAsync();
        await using var node = new Subscriber(broker.Port, "node");
        await node.ConnectAsync();

        // Text: a header, then lines; the last one without '\n' ends with the message.
        await node.PublishAtLeastOnceAsync("text/esp32-01/imu", Channels + "\n0.1,0.2,0.3,0.4,0.5,0.6\n0.1,0.2,0.3,0.4,0.5,0.6\n0.1,0.2,0.3,0.4,0.5,0.6");
        await node.PublishAtLeastOnceAsync("text/esp32-01/imu", "0.1 0.2 0.3 0.4 0.5 0.6");
        // Binary: two frames of four samples, frame stream id 3.
        await node.PublishAsync("bin/a/b", Frames(3, 0, 4), qos: 0);
        // JSON: one object; an array of objects; rows in the model's order; a two-wildcard topic.
        await node.PublishAtLeastOnceAsync("sensors/esp32-07/imu", Sample(0, 1));
        await node.PublishAtLeastOnceAsync("sensors/esp32-07/imu", "{\"seq\":1,\"t\":0.5,\"dt\":0.02,\"samples\":[" + string.Join(',', Enumerable.Range(0, 5).Select(i => "{" + Fields(i) + "}")) + "]}");
        await node.PublishAtLeastOnceAsync("sensors/esp32-08/imu", "{\"samples\":[[1,2,3,4,5,6],[6,5,4,3,2,1]]}");
        await node.PublishAtLeastOnceAsync("farm/barn/cow-9/acc", Sample(0, 2));
        await node.PublishAtLeastOnceAsync("site/x/pump-3/vibration/raw", Sample(0, 3));

        var expected = new Dictionary<string, int>
        {
            ["lines/esp32-01"] = 4, ["frames/a/b/3"] = 8, ["nodes/esp32-07"] = 6, ["nodes/esp32-08"] = 2, ["nodes/barn/cow-9"] = 1, ["picked/pump-3"] = 1,
        };
        Assert.True(await Until(() => gateway.ByStream().Count == expected.Count && expected.All(e => gateway.ByStream().GetValueOrDefault(e.Key) == e.Value)),
            $"{string.Join(", ", gateway.ByStream().Select(s => $"{s.Key}={s.Value}"))}; {gateway.Why}");
        await gateway.Pipeline.StopAsync();
        var c = gateway.Pipeline.Counters;
        Assert.True(c.RejectedTotal == 0 && c.GapResets == 0, gateway.Why);
        Accounting.AssertBalanced(c, "payload forms");
        Assert.Equal("edgelstm-" + Daemon.Mqtt.MqttConnectionOptions.TopicSafe(Environment.MachineName) + "-nodes", gateway.Source(2).ClientId);
    }

    [Fact]
    public async Task Garbage_is_counted_by_reason_and_never_stalls_the_other_streams()
    {
        using var broker = new MosquittoBroker();
        await using var gateway = new Gateway(broker.Port, """
            [ { "name": "nodes", "type": "mqtt", "format": "json", "topics": ["sensors/+/imu"], "mqtt": { "port": PORT } } ]
            """);
        await gateway.StartAsync();
        await using var bad = new Subscriber(broker.Port, "bad");
        await using var good = new Subscriber(broker.Port, "good");
        await bad.ConnectAsync();
        await good.ConnectAsync();
        string[] garbage =
        [
            "{\"acc_x\":0.1,", "\u00ff\u00fe binary", "[1,2,3]", "{\"acc_x\":{\"deep\":1}}", "{\"acc_x\":null,\"acc_y\":1,\"acc_z\":1,\"gyro_x\":1,\"gyro_y\":1,\"gyro_z\":1}",
            "hello from the boot banner", "{\"samples\":[{\"acc_x\":\"high\",\"acc_y\":1,\"acc_z\":1,\"gyro_x\":1,\"gyro_y\":1,\"gyro_z\":1}]}",
        ];
        for (int i = 0; i < 200; i++)
        {
            await bad.PublishAtLeastOnceAsync("sensors/broken/imu", garbage[i % garbage.Length]);
            await good.PublishAtLeastOnceAsync("sensors/fine/imu", Sample(i, i));
        }
        Assert.True(await Until(() => gateway.ByStream().GetValueOrDefault("nodes/fine") == 200), $"{gateway.ByStream().GetValueOrDefault("nodes/fine")} of 200; {gateway.Why}");
        Assert.True(await Until(() => gateway.Source().Link.Acknowledged == 400), gateway.Why);
        await gateway.Pipeline.StopAsync();
        var c = gateway.Pipeline.Counters;
        int Sent(params int[] kinds) => Enumerable.Range(0, 200).Count(i => kinds.Contains(i % garbage.Length));
        Assert.Equal(Sent(0, 1, 5), c.RejectedBy(RejectReason.JsonSyntax)); // cut off, not JSON, the banner
        Assert.Equal(Sent(2, 3), c.RejectedBy(RejectReason.JsonShape)); // an array, a nested object
        Assert.Equal(Sent(4), c.RejectedBy(RejectReason.NonFinite)); // null: ArduinoJson's NaN
        Assert.Equal(Sent(6), c.RejectedBy(RejectReason.NotANumber));
        Assert.Equal(c.RejectedTotal, Sent(0, 1, 2, 3, 4, 5, 6));
        Assert.Equal(0, c.GapResets);
        Assert.False(gateway.ByStream().ContainsKey("nodes/broken"), gateway.Why);
        Accounting.AssertBalanced(c, "garbage");
    }

    [Fact]
    public async Task A_gateway_restart_with_qos1_and_a_persistent_session_loses_nothing_the_broker_held()
    {
        using var broker = new MosquittoBroker();
        const string sources = """
            [ { "name": "nodes", "type": "mqtt", "format": "json", "topics": ["sensors/+/imu"], "qos": 1,
                "mqtt": { "port": PORT, "device": "gw", "sessionExpiryMs": 600000 } } ]
            """;
        await using var node = new Subscriber(broker.Port, "node");
        await node.ConnectAsync();
        await using (var first = new Gateway(broker.Port, sources))
        {
            await first.StartAsync();
            for (int i = 0; i < 20; i++) await node.PublishAtLeastOnceAsync("sensors/esp32-07/imu", Sample(i, i));
            Assert.True(await Until(() => first.ByStream().GetValueOrDefault("nodes/esp32-07") == 20), first.Why);
            await first.Pipeline.StopAsync();
            Accounting.AssertBalanced(first.Pipeline.Counters, "first run");
        }

        // The gateway is away: the broker queues for its session.
        const int held = 150;
        for (int i = 20; i < 20 + held; i++) await node.PublishAtLeastOnceAsync("sensors/esp32-07/imu", Sample(i, i));

        await using var second = new Gateway(broker.Port, sources);
        await second.StartAsync();
        Assert.True(await Until(() => second.ByStream().GetValueOrDefault("nodes/esp32-07") == held), $"{second.ByStream().GetValueOrDefault("nodes/esp32-07")} of {held}; {second.Why}; broker: {broker.Log}");
        Assert.Contains(second.Log, l => l.Contains("the broker kept the session", StringComparison.Ordinal));
        await Task.Delay(300); // nothing more comes (no duplicate of the first run's messages)
        await second.Pipeline.StopAsync();
        var c = second.Pipeline.Counters;
        Assert.Equal(held, c.Classified);
        Assert.Equal(0, c.GapResets); // seq 20..169 in order: nothing lost in between
        Accounting.AssertBalanced(c, "second run");
    }

    [Fact]
    public async Task A_broker_restart_is_survived_with_backoff_counted_and_shown_in_health()
    {
        using var broker = new MosquittoBroker();
        await using var gateway = new Gateway(broker.Port, """
            [ { "name": "nodes", "type": "mqtt", "format": "text", "topics": ["sensors/+/imu"],
                "mqtt": { "port": PORT, "reconnectMinMs": 100, "reconnectMaxMs": 400, "unhealthyAfterMs": 500 } } ]
            """);
        await gateway.StartAsync();
        await using (var node = new Subscriber(broker.Port, "node"))
        {
            await node.ConnectAsync();
            await node.PublishAtLeastOnceAsync("sensors/a/imu", "1,2,3,4,5,6\n1,2,3,4,5,6\n");
            Assert.True(await Until(() => gateway.ByStream().GetValueOrDefault("nodes/a") == 2), gateway.Why);
        }
        broker.Stop();
        var context = gateway.Pipeline.ContextOf(0);
        Assert.True(await Until(() => context.Down is not null), gateway.Why);
        Assert.Contains("unreachable", context.Down!.Value.Reason, StringComparison.Ordinal);
        Assert.False(gateway.Source().Link.Connected);
        // Health, /metrics and status say so.
        var health = new HealthCheck(gateway.Pipeline, [TimeSpan.Zero]);
        var report = health.Check();
        Assert.True(!report.Healthy && report.Reason.Contains($"source 'nodes': broker 127.0.0.1:{broker.Port} unreachable", StringComparison.Ordinal), report.Reason);
        Assert.Contains("edgelstm_mqtt_source_connected{source=\"nodes\"} 0", ServiceReport.Prometheus(gateway.Pipeline, health, 1), StringComparison.Ordinal);
        using (var status = JsonDocument.Parse(ServiceReport.Status(gateway.Pipeline, health, 1)))
        {
            var link = Assert.Single(status.RootElement.GetProperty("mqtt_sources").EnumerateArray());
            Assert.Equal(("nodes", false, 1), (link.GetProperty("source").GetString(), link.GetProperty("connected").GetBoolean(), link.GetProperty("received").GetInt32()));
        }
        broker.Start();
        Assert.True(await Until(() => gateway.Source().Link.Connected && context.Down is null), gateway.Why);
        await using (var node = new Subscriber(broker.Port, "node"))
        {
            await node.ConnectAsync();
            await node.PublishAtLeastOnceAsync("sensors/a/imu", "1,2,3,4,5,6\n");
            Assert.True(await Until(() => gateway.ByStream().GetValueOrDefault("nodes/a") == 3), gateway.Why);
        }
        Assert.True(health.Check().Healthy, health.Check().Reason);
        Assert.Contains("edgelstm_mqtt_source_connects_total{source=\"nodes\"} 2", ServiceReport.Prometheus(gateway.Pipeline, health, 2), StringComparison.Ordinal);
        await gateway.Pipeline.StopAsync();
        var c = gateway.Pipeline.Counters;
        Assert.True(c.Outages >= 1 && c.Reopens == 1 && gateway.Source().Link.Connects == 2 && gateway.Source().Link.ConnectFailures >= 1, gateway.Why);
        Assert.Contains(gateway.Log, l => l.Contains("lost", StringComparison.Ordinal));
        Assert.Contains(gateway.Log, l => l.Contains("reconnected", StringComparison.Ordinal));
        Accounting.AssertBalanced(c, "broker restart");
    }

    /// <summary>A sink that holds every write until opened: the pipeline behind the source fills up.</summary>
    private sealed class GateSink : ISink
    {
        public ManualResetEventSlim Open { get; } = new();
        public string Name => "gate";
        public bool Write(in OutputBlock block)
        {
            Open.Wait();
            return true;
        }
        public void Flush() { }
        public void Dispose() => Open.Dispose();
    }

    /// <summary>
    /// QoS 1 with the pipeline stuck behind the source: the handler waits for room (nothing
    /// dropped), the broker holds the rest, and a message is acknowledged only once its samples are
    /// in the input stage. Stopping then, the messages not acknowledged come again to the next run:
    /// every message published is acknowledged by one of the two runs (at least once).
    /// </summary>
    [Fact]
    public async Task A_full_pipeline_makes_the_broker_hold_messages_and_a_stop_acknowledges_nothing_unaccepted()
    {
        using var broker = new MosquittoBroker();
        const string sources = """
            [ { "name": "nodes", "type": "mqtt", "format": "json", "topics": ["sensors/+/imu"], "mqtt": { "port": PORT, "device": "gw" } } ]
            """;
        const int n = 120;
        await using var node = new Subscriber(broker.Port, "node");
        await node.ConnectAsync();
        long firstAcknowledged, firstAccepted;
        using (var gate = new GateSink())
        {
            await using var first = new Gateway(broker.Port, sources, sink: gate,
                                                pipeline: """{ "batchSize": 1, "inputCapacity": 1, "outputCapacity": 1, "stopGraceMs": 500 }""");
            await first.StartAsync();
            for (int i = 0; i < n; i++) await node.PublishAtLeastOnceAsync("sensors/esp32-07/imu", Sample(i, i));
            await Task.Delay(1000);
            var link = first.Source().Link;
            var c = first.Pipeline.Counters;
            Assert.True(link.Received < n / 2 && link.Acknowledged <= c.Accepted && c.DroppedAtInput == 0, $"received {link.Received}, acknowledged {link.Acknowledged}; {first.Why}");
            var stopping = first.Pipeline.StopAsync();
            await Task.Delay(300);
            gate.Open.Set();
            await stopping;
            firstAcknowledged = link.Acknowledged;
            firstAccepted = c.Accepted;
            Assert.True(firstAcknowledged <= firstAccepted, first.Why);
            // The handler that waited at the full queue booked its batch as dropped at stop before the stop returned.
            Assert.True(c.Decoded == c.Accepted, first.Why);
            Accounting.AssertBalanced(c, "stuck run");
        }

        await using var second = new Gateway(broker.Port, sources);
        await second.StartAsync();
        Assert.True(await Until(() => firstAcknowledged + second.Source().Link.Acknowledged >= n),
            $"first run acknowledged {firstAcknowledged}, the second {second.Source().Link.Acknowledged} of {n}; {second.Why}; broker: {broker.Log}");
        await second.Pipeline.StopAsync();
        Accounting.AssertBalanced(second.Pipeline.Counters, "second run");
    }

    /// <summary>
    /// The source's own decoding of each message allocates nothing once its topics are known (the
    /// stages' counter, which covers decoding, classifying and writing); MQTTnet allocates each
    /// received packet on its own, outside the stages.
    /// </summary>
    [Fact]
    public async Task Decoding_messages_allocates_nothing_in_the_stages_once_warm()
    {
        using var broker = new MosquittoBroker();
        await using var gateway = new Gateway(broker.Port, """
            [ { "name": "nodes", "type": "mqtt", "format": "json", "topics": ["sensors/+/imu"], "mqtt": { "port": PORT } },
              { "name": "lines", "type": "mqtt", "format": "text", "topics": ["text/+"], "qos": 0, "mqtt": { "port": PORT } } ]
            """, discard: true);
        await gateway.StartAsync();
        await using var node = new Subscriber(broker.Port, "node");
        await node.ConnectAsync();
        string batch = "{\"seq\":SEQ,\"dt\":0.02,\"samples\":[" + string.Join(',', Enumerable.Range(0, 10).Select(i => "{" + Fields(i) + "}")) + "]}";
        string lines = string.Concat(Enumerable.Repeat("0.1,0.2,0.3,0.4,0.5,0.6\n", 10));
        async Task Send(int from, int count)
        {
            for (int i = from; i < from + count; i++)
            {
                await node.PublishAtLeastOnceAsync($"sensors/n{i % 4}/imu", batch.Replace("SEQ", (i / 4 * 10).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
                await node.PublishAtLeastOnceAsync($"text/n{i % 4}", lines);
            }
        }
        // Warm: every stream past the sample-rate check (250 samples, which logs its warning once).
        await Send(0, 120);
        Assert.True(await Until(() => gateway.Pipeline.Counters.Classified == 120 * 20), gateway.Why);
        long before = gateway.Pipeline.Counters.StageAllocatedBytes;
        await Send(120, 400);
        Assert.True(await Until(() => gateway.Pipeline.Counters.Classified == 520 * 20), gateway.Why);
        Assert.True(0 == gateway.Pipeline.Counters.StageAllocatedBytes - before, gateway.Why);
        Assert.Equal(0, gateway.Pipeline.Counters.GapResets);
    }

    /// <summary>A shared subscription: the broker gives each message to one of the group's gateways; together they decode each exactly once.</summary>
    [Fact]
    public async Task A_shared_subscription_splits_the_messages_between_gateways()
    {
        using var broker = new MosquittoBroker();
        string Sources(string device) => $$"""
            [ { "name": "nodes", "type": "mqtt", "format": "json", "topics": ["$share/gateways/sensors/+/imu"], "mqtt": { "port": PORT, "device": "{{device}}" } } ]
            """;
        await using var one = new Gateway(broker.Port, Sources("gw1"));
        await using var two = new Gateway(broker.Port, Sources("gw2"));
        await one.StartAsync();
        await two.StartAsync();
        await using var node = new Subscriber(broker.Port, "node");
        await node.ConnectAsync();
        for (int i = 0; i < 100; i++) await node.PublishAtLeastOnceAsync($"sensors/n{i % 5}/imu", Sample(i / 5, i));
        Assert.True(await Until(() => one.Pipeline.Counters.Classified + two.Pipeline.Counters.Classified == 100), $"{one.Why} || {two.Why}");
        await Task.Delay(200);
        Assert.True(one.Pipeline.Counters.Classified > 0 && two.Pipeline.Counters.Classified > 0, $"{one.Pipeline.Counters.Classified} + {two.Pipeline.Counters.Classified}");
        Assert.Equal(100, one.Pipeline.Counters.Classified + two.Pipeline.Counters.Classified);
        Assert.All(one.ByStream().Keys.Concat(two.ByStream().Keys), s => Assert.Matches("^nodes/n[0-4]$", s));
    }

    /// <summary>
    /// Issue 17's scale-out acceptance over the broker: three gateways with partition count 3, all
    /// subscribed to the same filter, and one with count 1, over 30 nodes' JSON messages at QoS 1:
    /// every stream is classified by exactly one of the three, the one its name hashes to, and the
    /// three together write exactly the single gateway's lines (without time); the others' samples
    /// are counted as other_partition.
    /// </summary>
    [Fact]
    public async Task Three_partitioned_gateways_classify_each_of_30_nodes_once_and_together_equal_one()
    {
        using var broker = new MosquittoBroker();
        string Sources(string device) => $$"""
            [ { "name": "nodes", "type": "mqtt", "format": "json", "qos": 1, "topics": ["sensors/+/imu"], "mqtt": { "port": PORT, "device": "{{device}}" } } ]
            """;
        await using var single = new Gateway(broker.Port, Sources("single"));
        var gateways = new List<Gateway>();
        for (int i = 0; i < 3; i++)
            gateways.Add(new Gateway(broker.Port, Sources($"gw{i}"), pipeline: $$"""{ "batchSize": 16, "partition": { "count": 3, "index": {{i}} } }"""));
        try
        {
            await single.StartAsync();
            foreach (var g in gateways) await g.StartAsync();
            await using var node = new Subscriber(broker.Port, "fleet");
            await node.ConnectAsync();
            const int Nodes = 30, Messages = 20, PerMessage = 4;
            for (int m = 0; m < Messages; m++)
                for (int n = 0; n < Nodes; n++)
                {
                    string samples = string.Join(',', Enumerable.Range(0, PerMessage).Select(k => "{" + Fields(n * 31 + m * PerMessage + k) + "}"));
                    await node.PublishAtLeastOnceAsync($"sensors/esp32-{n:00}/imu", $$"""{"seq":{{m * PerMessage}},"samples":[{{samples}}]}""");
                }
            const int Total = Nodes * Messages * PerMessage;
            Assert.True(await Until(() => single.Pipeline.Counters.Classified == Total && gateways.Sum(g => g.Pipeline.Counters.Classified) == Total), single.Why);
            Assert.True(await Until(() => gateways.All(g => g.Pipeline.Counters.Classified + g.Pipeline.Counters.OtherPartitionCount == Total)),
                        string.Join(" || ", gateways.Select(g => g.Why)));
            var expected = single.LinesByStream();
            Assert.Equal(Nodes, expected.Count);
            var parts = gateways.Select(g => g.LinesByStream()).ToArray();
            foreach (var (stream, lines) in expected)
            {
                var owners = Enumerable.Range(0, 3).Where(i => parts[i].ContainsKey(stream)).ToArray();
                Assert.Equal([Samples.StreamPartition.Of(stream, 3)], owners);
                Assert.Equal(lines, parts[owners[0]][stream]);
            }
            foreach (var g in gateways)
            {
                await g.Pipeline.StopAsync();
                Faults.Accounting.AssertBalanced(g.Pipeline.Counters, g.Why);
            }
        }
        finally
        {
            foreach (var g in gateways) await g.DisposeAsync();
        }
    }

    /// <summary>TLS against a private CA (caFile) and a user name and password, as the sink's: the options are shared, and so is the wording of a refusal.</summary>
    [Fact]
    public async Task Tls_and_credentials_connect_and_a_wrong_password_is_logged_with_the_brokers_reason()
    {
        string certificate = "";
        using var broker = new MosquittoBroker(dir =>
        {
            certificate = Path.Combine(dir, "broker.pem");
            string key = Path.Combine(dir, "broker.key"), passwords = Path.Combine(dir, "passwords");
            MosquittoBroker.Run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
            MosquittoBroker.Run("mosquitto_passwd", "-b", "-c", passwords, "gateway", "right-password");
            return $"allow_anonymous false\npassword_file {passwords}\ncertfile {certificate}\nkeyfile {key}";
        });
        string Sources(string password) => $$"""
            [ { "name": "nodes", "type": "mqtt", "format": "text", "topics": ["sensors/+/imu"],
                "mqtt": { "port": PORT, "tls": true, "caFile": "{{certificate}}", "username": "gateway", "password": "{{password}}",
                          "reconnectMinMs": 50, "reconnectMaxMs": 100 } } ]
            """;
        await using (var refused = new Gateway(broker.Port, Sources("wrong-password")))
        {
            refused.Pipeline.Start();
            Assert.True(await Until(() => refused.Source().Link.ConnectFailures >= 5), refused.Why);
            var failures = refused.Log.Where(l => l.Contains("cannot connect", StringComparison.Ordinal)).ToList();
            Assert.True(failures.Count == 1, $"one line for {refused.Source().Link.ConnectFailures} failures: {refused.Why}");
            Assert.Matches("NotAuthorized|BadUserNameOrPassword", failures[0]);
        }
        await using var gateway = new Gateway(broker.Port, Sources("right-password"));
        await gateway.StartAsync();
        Assert.Contains(gateway.Log, l => l.Contains("connected to", StringComparison.Ordinal));
    }

    [Fact]
    public void Configuration_errors_name_the_option()
    {
        var e = Assert.Throws<ConfigException>(() => PipelineFactory.Validate(ConfigReader.Parse("""
            { "sources": [
                { "name": "a", "type": "mqtt", "format": "json" },
                { "name": "b", "type": "mqtt", "topics": ["x/#/y", "a+/b"], "qos": 2, "streamLevels": [-1], "mqtt": { "port": 0, "sessionExpiryMs": -5 } },
                { "name": "c", "type": "tcp", "format": "json", "topics": ["x"] } ] }
            """, "c.json"), _ => TestModels.Streaming));
        string all = string.Join("\n", e.Errors);
        foreach (string option in new[] { "sources[0].topics:", "sources[1].topics[0]:", "sources[1].topics[1]:", "sources[1].qos:", "sources[1].streamLevels[0]:",
                                          "sources[1].mqtt.port:", "sources[1].mqtt.sessionExpiryMs:", "sources[2].format:", "sources[2]: topics" })
            Assert.Contains(option, all, StringComparison.Ordinal);
    }
}
