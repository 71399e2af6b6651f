using System.Globalization;
using System.Text;

namespace EdgeLstm.Firmware.Tests;

/// <summary>
/// `edgelstm run` configurations for the firmware's stream: the channel scales of
/// firmware-samples/README.md (counts to g and rad/s), one classification per sample.
/// </summary>
internal static class DaemonConfig
{
    public const double AccScale = 1.0 / 8192, GyroScale = Math.PI / (180 * 65.5);

    /// <summary>The excerpt recording (counts) through a file source, as fast as possible.</summary>
    public static string FileSource(string dir, string recording) =>
        Write(dir, "file.json", $$"""{ "name": "uno-imu", "type": "file", "format": "text", "path": "{{recording}}", "maxSpeed": true, "channels": {{Channels()}} }""");

    /// <summary>The firmware on a serial port (a pty).</summary>
    public static string SerialSource(string dir, string device, string format) =>
        Write(dir, $"serial-{format}.json", $$"""{ "name": "uno-imu", "type": "serial", "format": "{{format}}", "path": "{{device}}", "baud": 115200, "channels": {{Channels()}} }""");

    private static string Channels()
    {
        var json = new StringBuilder("[");
        for (int c = 0; c < 6; c++)
        {
            double scale = c < 3 ? AccScale : GyroScale;
            json.Append(CultureInfo.InvariantCulture, $"{(c > 0 ? ", " : "")}{{ \"input\": \"{ExcerptRecording.ImuChannels[c]}\", \"index\": {c}, \"scale\": {scale:R} }}");
        }
        return json.Append(']').ToString();
    }

    private static string Write(string dir, string name, string source)
    {
        string path = System.IO.Path.Combine(dir, name);
        File.WriteAllText(path, $$"""
            {
              "models": { "default": { "path": "{{TestModel.Path}}" } },
              "sources": [ {{source}} ],
              "streams": [ { "match": "*", "model": "default", "events": { "emit": "hop", "hop": 1 } } ]
            }
            """);
        return path;
    }
}
