using System.IO.Hashing;
using CsCheck;
using EdgeLstm.Daemon.Configuration;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Tests.Partition;

/// <summary>Issue 17, item 4: the partition of a stream is XXH32 (seed 0) of its UTF-8 name mod count, decided once.</summary>
public class StreamPartitionTests
{
    /// <summary>The function is the published XXH32: the reference implementation's test vectors (xxHash, seed 0).</summary>
    [Fact]
    public void The_hash_is_xxh32_of_the_utf8_name_with_seed_0()
    {
        Assert.Equal(0x02CC5D05u, XxHash32.HashToUInt32([]));
        Assert.Equal(0x32D153FFu, XxHash32.HashToUInt32("abc"u8));
        // count = 2^31 - 1 exceeds both hashes: the partition is the hash itself.
        Assert.Equal(0x02CC5D05, StreamPartition.Of("", int.MaxValue));
        Assert.Equal(0x32D153FF, StreamPartition.Of("abc", int.MaxValue));
        Assert.Equal((int)(0x32D153FFu % 3), StreamPartition.Of("abc", 3));
        // Non-ASCII names hash their UTF-8 bytes.
        Assert.Equal((int)(XxHash32.HashToUInt32("Küche/1"u8) % 7), StreamPartition.Of("Küche/1", 7));
    }

    [Fact]
    public void Every_name_belongs_to_exactly_one_of_the_gateways_and_its_first_sight_is_logged_by_the_others()
    {
        Gen.Select(Gen.String[0, 24].Array[1, 40], Gen.Int[1, 12]).Sample((names, count) =>
        {
            var logs = new List<string>[count];
            var registries = Enumerable.Range(0, count).Select(i =>
            {
                logs[i] = [];
                return new StreamRegistry(new StreamPartition(count, i), logs[i].Add);
            }).ToArray();
            foreach (string name in names.Concat(names)) // seen twice: decided and logged once
            {
                var handles = registries.Select(r => r.GetOrAdd(name, "s")).ToArray();
                Assert.Equal(1, handles.Count(h => h.Ours));
                Assert.All(handles, h => Assert.Equal(StreamPartition.Of(name, count), h.Partition));
                Assert.True(handles[StreamPartition.Of(name, count)].Ours);
            }
            int distinct = names.Distinct(StringComparer.Ordinal).Count();
            Assert.Equal(distinct * (count - 1), logs.Sum(l => l.Count));
        });
    }

    [Fact]
    public void One_partition_classifies_everything()
    {
        var handle = new StreamRegistry().GetOrAdd("anything", "s");
        Assert.True(handle.Ours);
        Assert.Equal(0, handle.Partition);
    }

    [Theory]
    [InlineData(0, 0, "pipeline.partition.count: must be at least 1")]
    [InlineData(-2, 0, "pipeline.partition.count: must be at least 1")]
    [InlineData(3, 3, "pipeline.partition.index: must be 0 to 2")]
    [InlineData(3, -1, "pipeline.partition.index: must be 0 to 2")]
    public void A_partition_out_of_range_is_one_error_naming_the_option(int count, int index, string error)
    {
        var config = ConfigReader.Parse($$"""{ "sources": [ { "name": "in", "type": "stdin" } ], "pipeline": { "partition": { "count": {{count}}, "index": {{index}} } } }""", "test");
        var e = Assert.Throws<ConfigException>(() => PipelineFactory.Build(config, _ => TestModels.Streaming, _ => { }));
        Assert.StartsWith(error, Assert.Single(e.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_partition_reaches_the_pipeline()
    {
        var config = ConfigReader.Parse("""{ "sources": [ { "name": "in", "type": "stdin" } ], "pipeline": { "partition": { "count": 4, "index": 3 } } }""", "test");
        var pipeline = PipelineFactory.Build(config, _ => TestModels.Streaming, _ => { });
        Assert.Equal(new StreamPartition(4, 3), pipeline.Streams.Partition);
    }
}
