using System.Text.Json.Nodes;
using EdgeLstm.Daemon.Configuration;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Sinks;
using EdgeLstm.Daemon.Tests.Faults;

namespace EdgeLstm.Daemon.Tests.Partition;

/// <summary>
/// Issue 17's acceptance for scale-out: three gateways with <c>partition</c> count 3, each reading
/// all of 30 streams from the same source, classify every stream exactly once between them, and
/// the union of their output is a single gateway's output (ignoring <c>time</c>).
/// </summary>
public class ThreeGatewaysTests
{
    private const int Streams = 30, SamplesPerStream = 240, PerFrame = 8;

    /// <summary>
    /// The source every gateway reads, as its configuration entry: today one file of binary frames
    /// carrying 30 stream ids; with the MQTT source, this line becomes the MQTT entry (and the
    /// frames a fleet publishing to the broker).
    /// </summary>
    private static string SourceEntry(string feed) => $$"""{ "name": "nodes", "type": "file", "format": "binary", "path": {{JsonValue.Create(feed).ToJsonString()}}, "maxSpeed": true }""";

    private static string Configuration(string feed, int count, int index) => $$"""
        {
          "sources": [ {{SourceEntry(feed)}} ],
          "streams": [ { "match": "*", "events": { "emit": "hop", "hop": 3 } } ],
          "pipeline": { "partition": { "count": {{count}}, "index": {{index}} } }
        }
        """;

    [Fact]
    public async Task Three_partitions_classify_each_of_30_streams_once_and_together_equal_one_gateway()
    {
        string feed = WriteFeed();
        var single = await RunAsync(feed, 1, 0);
        var gateways = new List<Run>();
        for (int i = 0; i < 3; i++) gateways.Add(await RunAsync(feed, 3, i));

        var all = single.ByStream.Keys.ToHashSet(StringComparer.Ordinal);
        Assert.Equal(Streams, all.Count);
        foreach (string stream in all)
        {
            var owners = gateways.Select((g, i) => (g, i)).Where(x => x.g.ByStream.ContainsKey(stream)).ToArray();
            var (owner, index) = Assert.Single(owners);
            Assert.Equal(Samples.StreamPartition.Of(stream, 3), index);
            Assert.Equal(single.ByStream[stream], owner.ByStream[stream]);
        }
        Assert.All(gateways, g => Assert.NotEmpty(g.ByStream)); // 30 names spread over all three

        long total = single.Pipeline.Counters.Classified;
        Assert.Equal((long)Streams * SamplesPerStream, total);
        Assert.Equal(total, gateways.Sum(g => g.Pipeline.Counters.Classified));
        Assert.Equal(2 * total, gateways.Sum(g => g.Pipeline.Counters.OtherPartitionCount));
        Assert.Equal(0, single.Pipeline.Counters.OtherPartitionCount);
        foreach (var (g, i) in gateways.Select((g, i) => (g, i)))
        {
            Accounting.AssertBalanced(g.Pipeline.Counters, $"gateway {i}");
            Assert.Equal(g.Pipeline.Counters.Received, single.Pipeline.Counters.Received);
            Assert.Equal(0, g.Pipeline.Counters.RejectedTotal);
            // One line per stream of the other partitions, at its first sight; none per sample.
            var foreign = g.Log.Where(l => l.Contains("not ours", StringComparison.Ordinal)).ToArray();
            Assert.Equal(Streams - g.ByStream.Count, foreign.Length);
            Assert.All(foreign, l => Assert.Matches($"^stream 'nodes/\\d+' belongs to partition [0-2] of 3, not ours \\({i}\\)", l));
        }
    }

    private sealed record Run(Pipeline Pipeline, Dictionary<string, List<string>> ByStream, List<string> Log);

    private static async Task<Run> RunAsync(string feed, int count, int index)
    {
        var output = new MemoryStream();
        var log = new List<string>();
        var config = ConfigReader.Parse(Configuration(feed, count, index), "gateway.json");
        var pipeline = PipelineFactory.Build(config, _ => TestModels.Streaming, m => { lock (log) log.Add(m); },
                                             sinks: [new StreamSink("memory", output, ownsStream: false)]);
        pipeline.Start();
        await pipeline.Completion.WaitAsync(TimeSpan.FromMinutes(2));
        return new Run(pipeline, ByStreamWithoutTime(PipelineHarness.Lines(output)), log);
    }

    /// <summary>Each stream's lines in order, with <c>time</c> removed (a live run and a replay differ there).</summary>
    private static Dictionary<string, List<string>> ByStreamWithoutTime(IEnumerable<string> lines)
    {
        var byStream = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string line in lines)
        {
            var o = JsonNode.Parse(line)!.AsObject();
            o.Remove("time");
            string stream = (string)o["stream"]!;
            if (!byStream.TryGetValue(stream, out var list)) byStream[stream] = list = [];
            list.Add(o.ToJsonString());
        }
        return byStream;
    }

    /// <summary>30 streams interleaved frame by frame, each the shipped recording from its own offset.</summary>
    private static string WriteFeed() => FrameFeed.Write(Streams, SamplesPerStream, PerFrame);
}
