using System.Text.Json;

namespace EdgeLstm.Firmware.Tests;

/// <summary>The shipped daemon configuration for the Uno undoes the firmware's sensor scaling.</summary>
public class SampleConfigTests
{
    [Fact]
    public void Channel_scales_turn_counts_into_g_and_rad_per_s()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(DaemonConfig.Shipped), new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
        });
        var channels = doc.RootElement.GetProperty("sources")[0].GetProperty("channels").EnumerateArray().ToList();
        Assert.Equal(6, channels.Count);
        for (int c = 0; c < 6; c++)
        {
            Assert.Equal(ExcerptRecording.ImuChannels[c], channels[c].GetProperty("input").GetString());
            Assert.Equal(c, channels[c].GetProperty("index").GetInt32());
            // The daemon keeps scales as float32: equal there to the exact unit per count.
            double exact = c < 3 ? 1.0 / 8192 : Math.PI / (180 * 65.5);
            Assert.Equal((float)exact, channels[c].GetProperty("scale").GetSingle());
        }
    }
}
