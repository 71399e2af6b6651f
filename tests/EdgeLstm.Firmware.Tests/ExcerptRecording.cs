using System.Globalization;

namespace EdgeLstm.Firmware.Tests;

/// <summary>A recording CSV (time, six channels, label) as the firmware's integer counts.</summary>
internal sealed record ExcerptRecording(string[] Channels, string[] Times, short[][] Counts, string[] Labels)
{
    public static readonly string[] ImuChannels = ["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z"];

    public int Length => Counts.Length;

    public static ExcerptRecording Load(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        Assert.Equal(["time", .. ImuChannels, "label"], header);
        var times = new List<string>();
        var counts = new List<short[]>();
        var labels = new List<string>();
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(',');
            Assert.Equal(header.Length, fields.Length);
            times.Add(fields[0]);
            counts.Add(fields[1..7].Select(f => short.Parse(f, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)).ToArray());
            labels.Add(fields[7]);
        }
        return new ExcerptRecording(ImuChannels, [.. times], [.. counts], [.. labels]);
    }
}
