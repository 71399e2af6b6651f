using System.Globalization;
using System.Text;

namespace EdgeLstm.Firmware.Tests;

/// <summary>The firmware's text protocol as the test reads it: CR LF terminated lines.</summary>
internal static class TextStream
{
    /// <summary>The complete lines so far (without CR LF); a trailing partial line is left out.</summary>
    public static List<string> CompleteLines(byte[] bytes)
    {
        var text = Encoding.ASCII.GetString(bytes);
        var lines = text.Split("\r\n").ToList();
        lines.RemoveAt(lines.Count - 1); // after the last CR LF: partial or empty
        return lines;
    }

    /// <summary>Parses a sample line strictly: six decimal int16 values separated by commas.</summary>
    public static short[] ParseSample(string line)
    {
        var fields = line.Split(',');
        Assert.True(fields.Length == 6, $"not six values: '{line}'");
        return fields.Select(f => short.Parse(f, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)).ToArray();
    }
}
