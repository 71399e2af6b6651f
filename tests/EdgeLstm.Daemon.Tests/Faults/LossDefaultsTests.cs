using System.Net.Sockets;
using System.Text;
using EdgeLstm.Daemon.Configuration;
using EdgeLstm.Daemon.Sources;

namespace EdgeLstm.Daemon.Tests.Faults;

/// <summary>
/// Issue 14, defect 8: the defaults must not lose what a transport could have held back. A TCP
/// sender faster than the classifier is slowed down (wait), not thinned out (at 010614b the
/// default dropOldest lost 87 % of a fast sender's samples); where samples are dropped (a mode
/// that drops, or a transport that cannot push back), the stream's state is reset after the gap.
/// </summary>
public class LossDefaultsTests
{
    private static readonly byte[] Burst = Encoding.ASCII.GetBytes(string.Concat(
        Enumerable.Range(0, 40_000).Select(i => FaultScenario.Recording[i % FaultScenario.Recording.Length] + "\n")));

    private static async Task<Counters.PipelineCounters> SendBurstAsync(string pipelineOptions)
    {
        var config = ConfigReader.Parse($$"""
            {
              "sources": [ { "name": "fast", "type": "tcp", "port": 0 } ],
              "streams": [ { "match": "*", "events": { "emit": "hop", "hop": 1 } } ],
              "pipeline": { "batchSize": 1, "inputCapacity": 1, "outputCapacity": 1, "classifierWorkers": 1 {{pipelineOptions}} }
            }
            """, "test");
        var pipeline = PipelineFactory.Build(config, _ => TestModels.Streaming, _ => { }, sinks: [new Sinks.StreamSink("null", Stream.Null, false)]);
        var source = (TcpServerSource)pipeline.Sources[0];
        pipeline.Start();
        await Transport.Until(() => source.BoundEndpoint is not null, "the TCP source listens");
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync(source.BoundEndpoint!);
            // One line first, classified before the burst: then a drop is a gap in a stream already
            // under way (under load the classifier might otherwise first see the burst's last line).
            await client.SendAsync(Burst.AsMemory(0, Array.IndexOf(Burst, (byte)'\n') + 1));
            await Transport.Until(() => pipeline.Counters.Classified == 1, "the first line classified");
            await client.SendAsync(Burst.AsMemory(Array.IndexOf(Burst, (byte)'\n') + 1));
            client.Shutdown(SocketShutdown.Send);
            await Transport.Until(() => pipeline.Counters.Received == Burst.Length, "every byte sent");
        }
        await Transport.Until(() => pipeline.Counters.Classified + pipeline.Counters.DroppedAtInput == pipeline.Counters.Decoded, "the classifier to catch up");
        await pipeline.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Accounting.AssertBalanced(pipeline.Counters, pipelineOptions);
        return pipeline.Counters;
    }

    [Fact]
    public async Task A_fast_tcp_sender_is_slowed_down_not_thinned_out_by_default()
    {
        var c = await SendBurstAsync("");
        Assert.Equal(40_000, c.Decoded);
        Assert.Equal(40_000, c.Classified);
        Assert.Equal(0, c.Dropped);
    }

    [Fact]
    public async Task Samples_dropped_from_a_stream_reset_its_state_after_the_gap()
    {
        var c = await SendBurstAsync(""", "inputFullMode": "dropOldest" """);
        Assert.True(c.DroppedAtInput > 0, "a sender this fast overflows a queue of one sample");
        Assert.True(Volatile.Read(ref c.ResetsDrop) > 0, $"{c.DroppedAtInput} samples dropped, no reset");
    }
}
