using CsCheck;
using EdgeLstm.Daemon.Mqtt;

namespace EdgeLstm.Daemon.Tests.Mqtt;

/// <summary>Topic filters as MQTT 5.0 section 4.7 defines them, and the stream names their wildcards give.</summary>
public class TopicFilterTests
{
    [Theory]
    [InlineData("sensors/+/imu", "sensors/esp32-07/imu", "nodes/esp32-07")]
    [InlineData("sensors/+/imu", "sensors//imu", "nodes")] // an empty level matches '+', and names nothing
    [InlineData("farm/+/+/acc", "farm/barn/cow-9/acc", "nodes/barn/cow-9")]
    [InlineData("farm/#", "farm/barn/cow-9", "nodes/barn/cow-9")]
    [InlineData("farm/#", "farm", "nodes")] // '#' matches the parent level too
    [InlineData("#", "a/b", "nodes/a/b")]
    [InlineData("+/#", "a/b/c", "nodes/a/b/c")]
    [InlineData("exact/topic", "exact/topic", "nodes")]
    [InlineData("+", "x", "nodes/x")]
    [InlineData("$share/gateways/sensors/+/imu", "sensors/esp32-07/imu", "nodes/esp32-07")] // a shared subscription matches by its filter
    public void A_matching_topic_names_its_stream_by_the_wildcards(string filter, string topic, string stream)
    {
        var f = TopicFilter.Parse(filter, out _)!;
        Span<Range> matched = stackalloc Range[8];
        int n = f.Match(topic, matched);
        Assert.True(n >= 0, $"{filter} should match {topic}");
        Assert.Equal(stream, TopicFilter.StreamName("nodes", topic, matched[..n], null));
    }

    [Theory]
    [InlineData("sensors/+/imu", "sensors/esp32-07/gps")]
    [InlineData("sensors/+/imu", "sensors/esp32-07/imu/raw")]
    [InlineData("sensors/+/imu", "sensors/imu")]
    [InlineData("farm/#", "farmer/x")]
    [InlineData("a/b", "a/b/")]
    [InlineData("#", "$SYS/broker/uptime")] // a wildcard first does not match '$' topics
    [InlineData("+/broker/uptime", "$SYS/broker/uptime")]
    public void Other_topics_do_not_match(string filter, string topic)
    {
        Assert.Equal(-1, TopicFilter.Parse(filter, out _)!.Match(topic, stackalloc Range[8]));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a/#/b", "'#' must be the last level")]
    [InlineData("a/b#", "'#' must be the last level")]
    [InlineData("a/b+/c", "'+' must be alone")]
    [InlineData("$share/g", "a shared subscription needs a filter")]
    [InlineData("$share//a", "a shared subscription needs a group")]
    [InlineData("$share/g+/a", "a shared subscription needs a group")]
    public void Invalid_filters_say_why(string filter, string why)
    {
        Assert.Null(TopicFilter.Parse(filter, out string? error));
        Assert.StartsWith(why, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Stream_levels_pick_topic_levels_instead()
    {
        var f = TopicFilter.Parse("site/#", out _)!;
        Span<Range> matched = stackalloc Range[8];
        int n = f.Match("site/x/pump-3/raw", matched);
        Assert.Equal("nodes/pump-3", TopicFilter.StreamName("nodes", "site/x/pump-3/raw", matched[..n], [2]));
        Assert.Equal("nodes/x/raw", TopicFilter.StreamName("nodes", "site/x/pump-3/raw", matched[..n], [1, 3, 9])); // a level the topic lacks is left out
    }

    /// <summary>Match agrees with a plain reading of the specification (split both, compare level by level) on random filters and topics.</summary>
    [Fact]
    public void Matching_agrees_with_the_specification_read_level_by_level()
    {
        var level = Gen.Int[0, 3].Select(i => new[] { "a", "b", "", "$x" }[i]);
        var topics = level.Array[1, 5].Select(l => string.Join('/', l));
        var filterLevel = Gen.Int[0, 3].Select(i => new[] { "a", "b", "", "+" }[i]);
        var filters = Gen.Select(filterLevel.Array[0, 4], Gen.Bool).Select((l, hash) => string.Join('/', hash ? [.. l, "#"] : l))
            .Where(f => f.Length > 0); // an empty filter is invalid (section 4.7.3)
        Gen.Select(filters, topics).Sample((filter, topic) =>
        {
            var f = TopicFilter.Parse(filter, out string? error);
            Assert.True(f is not null, error);
            bool expected = Reference(filter.Split('/'), topic.Split('/'));
            Assert.Equal(expected, f.Match(topic, stackalloc Range[8]) >= 0);
        }, iter: 5000);
    }

    private static bool Reference(string[] filter, string[] topic)
    {
        if (topic[0].StartsWith('$') && filter[0] is "+" or "#") return false;
        for (int i = 0; i < filter.Length; i++)
        {
            if (filter[i] == "#") return true;
            if (i >= topic.Length) return false;
            if (filter[i] != "+" && filter[i] != topic[i]) return false;
        }
        return filter.Length == topic.Length;
    }
}
