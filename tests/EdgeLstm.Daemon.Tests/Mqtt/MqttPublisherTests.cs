using System.Text;
using EdgeLstm.Daemon.Mqtt;

namespace EdgeLstm.Daemon.Tests.Mqtt;

/// <summary>The MQTT publisher against a real mosquitto broker on 127.0.0.1.</summary>
public class MqttPublisherTests
{
    private static MqttOptions Options(int port, string device = "board1") => new()
    {
        Port = port,
        Device = device,
        ReconnectMinMs = 100,
        ReconnectMaxMs = 500,
        Qos = 1,
    };

    private static byte[] Line(int i) => Encoding.UTF8.GetBytes($"{{\"stream\":\"imu\",\"t\":{i},\"label\":\"walking\"}}");

    private static HashSet<string> Payloads(Subscriber s, string topic) =>
        s.Messages.Where(m => m.Topic == topic).Select(m => m.Payload).ToHashSet();

    [Fact]
    public async Task Every_message_arrives_across_a_broker_restart()
    {
        using var broker = new MosquittoBroker();
        await using var subscriber = new Subscriber(broker.Port, "test-sub-restart");
        await subscriber.ConnectAsync("edgelstm/#");
        var options = Options(broker.Port);
        // Slow reconnection attempts, so the subscriber is surely back before the publisher flushes its queue.
        options.ReconnectMinMs = options.ReconnectMaxMs = 2000;
        await using var publisher = new MqttPublisher(options);
        publisher.Start();
        string topic = options.TopicFor("imu");

        for (int i = 0; i < 200; i++) Assert.True(publisher.Publish("imu", Line(i)));
        Assert.True(await subscriber.WaitForAsync(_ => Payloads(subscriber, topic).Count == 200));

        broker.Stop();
        // Produced while the broker is away: held in the queue.
        for (int i = 200; i < 500; i++) Assert.True(publisher.Publish("imu", Line(i)));
        await Task.Delay(500);
        Assert.False(publisher.IsConnected);
        broker.Start();
        await subscriber.ConnectAsync("edgelstm/#");

        Assert.True(await subscriber.WaitForAsync(_ => Payloads(subscriber, topic).Count == 500),
            $"received {Payloads(subscriber, topic).Count} of 500; publisher connects {publisher.Connects}, connected {publisher.IsConnected}, published {publisher.Published}, queued {publisher.Queued}, sub msgs {subscriber.Messages.Count}");
        Assert.Equal(Enumerable.Range(0, 500).Select(i => Encoding.UTF8.GetString(Line(i))).ToHashSet(), Payloads(subscriber, topic));
        Assert.True(publisher.Connects >= 2);
        Assert.Equal(0, publisher.Dropped);
        await publisher.StopAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Status_is_retained_online_then_offline_after_a_clean_stop()
    {
        using var broker = new MosquittoBroker();
        var options = Options(broker.Port);
        var publisher = new MqttPublisher(options);
        publisher.Start();
        await using (var early = new Subscriber(broker.Port, "status-early"))
        {
            await early.ConnectAsync(options.StatusTopicResolved);
            Assert.True(await early.WaitForAsync(m => m.Any(x => x.Payload == "online")));
        }
        await publisher.StopAsync(TimeSpan.FromSeconds(10));
        await publisher.DisposeAsync();

        // A subscriber arriving later sees the retained state.
        await using var late = new Subscriber(broker.Port, "status-late");
        await late.ConnectAsync(options.StatusTopicResolved);
        Assert.True(await late.WaitForAsync(m => m.Any(x => x.Payload == "offline" && x.Retain)));
    }

    [Fact]
    public async Task Queue_beyond_capacity_drops_and_counts_and_keeps_the_rest()
    {
        using var broker = new MosquittoBroker();
        // The subscriber's persistent session exists before the broker goes away, so whatever the
        // publisher flushes after the restart is queued for it even if it reconnects later than
        // the publisher (a race that a loaded machine loses).
        await using var subscriber = new Subscriber(broker.Port, "test-sub-capacity");
        await subscriber.ConnectAsync("edgelstm/#");
        broker.Stop();
        var options = Options(broker.Port);
        options.QueueCapacity = 50;
        await using var publisher = new MqttPublisher(options);
        publisher.Start();
        int accepted = 0;
        for (int i = 0; i < 80; i++) accepted += publisher.Publish("imu", Line(i)) ? 1 : 0;
        // One message may already sit in flight, outside the queue.
        Assert.InRange(accepted, 50, 51);
        Assert.Equal(80 - accepted, publisher.Dropped);

        broker.Start();
        await subscriber.ConnectAsync("edgelstm/#");
        Assert.True(await subscriber.WaitForAsync(_ => Payloads(subscriber, options.TopicFor("imu")).Count == accepted),
            $"received {Payloads(subscriber, options.TopicFor("imu")).Count} of {accepted}");
        await publisher.StopAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Unsent_messages_survive_a_restart_in_the_spool()
    {
        using var broker = new MosquittoBroker();
        broker.Stop();
        string spool = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-spool").FullName, "mqtt.spool");
        var options = Options(broker.Port);
        options.SpoolFile = spool;

        var first = new MqttPublisher(options);
        first.Start();
        for (int i = 0; i < 25; i++) first.Publish("imu", Line(i));
        await first.StopAsync(TimeSpan.FromMilliseconds(200));
        await first.DisposeAsync();
        Assert.Equal(25, first.Spooled);
        Assert.True(File.Exists(spool));

        broker.Start();
        await using var subscriber = new Subscriber(broker.Port, "test-sub-spool");
        await subscriber.ConnectAsync("edgelstm/#");
        await using var second = new MqttPublisher(options);
        second.Start();
        Assert.Equal(25, second.RestoredFromSpool);
        Assert.True(await subscriber.WaitForAsync(_ => Payloads(subscriber, options.TopicFor("imu")).Count == 25));
        Assert.False(File.Exists(spool));
        await second.StopAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Stop_with_the_broker_away_and_nothing_to_send_does_not_wait_for_the_drain()
    {
        using var broker = new MosquittoBroker();
        broker.Stop();
        var options = Options(broker.Port);
        await using var publisher = new MqttPublisher(options);
        publisher.Start();
        await Task.Delay(300); // connection attempts refused, backing off
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await publisher.StopAsync(TimeSpan.FromSeconds(10));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"stop took {clock.Elapsed.TotalSeconds:F1} s with nothing to send");
        Assert.Equal(0, publisher.Dropped);
    }

    [Fact]
    public void Options_name_each_problem()
    {
        var bad = new MqttOptions { Port = 0, Qos = 2, Topic = "edgelstm/#", QueueCapacity = 0, Password = "x" };
        var errors = bad.Validate().ToList();
        Assert.Contains(errors, e => e.StartsWith("mqtt.port:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("mqtt.qos:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("mqtt.topic:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("mqtt.queueCapacity:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("mqtt.password:", StringComparison.Ordinal));
        Assert.Contains(new MqttOptions { UnhealthyAfterMs = -1 }.Validate(), e => e.StartsWith("mqtt.unhealthyAfterMs:", StringComparison.Ordinal));
        Assert.Empty(new MqttOptions().Validate());
        Assert.Equal("edgelstm/pi_4/left_wrist", new MqttOptions { Device = "pi 4" }.TopicFor("left/wrist"));
    }

    [Fact]
    public void Spool_skips_a_torn_tail()
    {
        string spool = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-spool").FullName, "mqtt.spool");
        MessageSpool.Save(spool, [new MqttMessage("a/b", Line(1), 1, false), new MqttMessage("a/c", Line(2), 0, true)]);
        using (var f = new FileStream(spool, FileMode.Append)) f.Write([9, 0, 0, 0, 1, 2]); // a write cut short
        var (messages, damaged) = MessageSpool.Take(spool);
        Assert.Equal(2, messages.Count);
        Assert.Equal("a/c", messages[1].Topic);
        Assert.True(messages[1].Retain);
        Assert.Equal(6, damaged);
    }
}
