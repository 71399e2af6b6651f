using System.Globalization;
using EdgeLstm.Daemon.Configuration;

namespace EdgeLstm.Daemon.Tests.Mqtt;

/// <summary>
/// The pipeline with an MQTT sink from a configuration, against a real mosquitto: a subscriber
/// receives every classification of a replayed recording, also across a broker restart mid-stream.
/// </summary>
public class MqttSinkPipelineTests
{
    [Fact]
    public async Task Every_classification_of_a_replay_reaches_the_subscriber_across_a_broker_restart()
    {
        using var broker = new MosquittoBroker();
        await using var subscriber = new Subscriber(broker.Port, "pipeline-sub");
        await subscriber.ConnectAsync("edgelstm/#");
        string json = $$"""
            {
              "sources": [ { "name": "imu", "type": "file", "path": "{{TestModels.Recording}}", "speed": 20 } ],
              "streams": [ { "match": "*", "model": "default", "events": { "emit": "hop", "hop": 50 } } ],
              "sinks": [ { "type": "mqtt", "mqtt": { "port": {{broker.Port.ToString(CultureInfo.InvariantCulture)}}, "device": "pi", "reconnectMinMs": 2000, "reconnectMaxMs": 2000 } } ]
            }
            """;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var pipeline = PipelineFactory.Build(ConfigReader.Parse(json, "test.json"), _ => TestModels.Streaming, log.Enqueue);
        pipeline.Start();

        // 18,026 samples at 20x real time take about 18 s; restart the broker a few seconds in.
        Assert.True(await subscriber.WaitForAsync(m => m.Count(x => x.Topic == "edgelstm/pi/imu") >= 20, 60));
        broker.Stop();
        await Task.Delay(3000);
        broker.Start();
        await subscriber.ConnectAsync("edgelstm/#");

        await pipeline.Completion.WaitAsync(TimeSpan.FromMinutes(3));
        long emitted = pipeline.Counters.Emitted;
        Assert.True(emitted > 300, $"{emitted} classifications");
        Assert.True(await subscriber.WaitForAsync(m => m.Where(x => x.Topic == "edgelstm/pi/imu").Select(x => x.Payload).Distinct().Count() == emitted, 60),
            $"received {subscriber.Messages.Where(x => x.Topic == "edgelstm/pi/imu").Select(x => x.Payload).Distinct().Count()} of {emitted}; "
            + $"sink errors {pipeline.Counters.SinkErrors}; log: {string.Join(" | ", log)}; broker: {broker.Log}");
        Assert.All(subscriber.Messages.Where(x => x.Topic == "edgelstm/pi/imu"), m => Assert.StartsWith("{\"stream\":\"imu\"", m.Payload, StringComparison.Ordinal));
    }
}
