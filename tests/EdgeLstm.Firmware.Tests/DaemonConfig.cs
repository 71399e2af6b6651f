using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeLstm.Firmware.Tests;

/// <summary>
/// `edgelstm run` configurations for the firmware's stream, made from the shipped sample
/// firmware-samples/arduino-uno-imu/edgelstm-uno.json (so the tests prove its channel scales):
/// its source pointed at the test's terminal or at the excerpt recording, the test model, and
/// one classification per sample.
/// </summary>
internal static class DaemonConfig
{
    public static string Shipped => Path.Combine(RepoPaths.UnoFirmware, "edgelstm-uno.json");

    /// <summary>The excerpt recording (counts) through a file source, as fast as possible.</summary>
    public static string FileSource(string dir, string recording) => Write(dir, "file.json", source =>
    {
        source["type"] = "file";
        source["format"] = "text";
        source["path"] = recording;
        source["maxSpeed"] = true;
        source.Remove("baud");
    });

    /// <summary>The firmware on a serial port (a pty).</summary>
    public static string SerialSource(string dir, string device, string format) => Write(dir, $"serial-{format}.json", source =>
    {
        Assert.Equal("serial", (string?)source["type"]);
        source["path"] = device;
        source["format"] = format;
    });

    private static string Write(string dir, string name, Action<JsonObject> adapt)
    {
        var config = JsonNode.Parse(File.ReadAllText(Shipped), documentOptions: new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
        })!.AsObject();
        config["models"]!["default"]!["path"] = TestModel.Path;
        adapt(config["sources"]![0]!.AsObject());
        config["streams"]![0]!["events"] = new JsonObject { ["emit"] = "hop", ["hop"] = 1 };
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }
}
