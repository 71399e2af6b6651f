using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Firmware.Tests;

/// <summary>
/// A seeded random-weight quantized LSTM with the firmware's channels (in g and rad/s) and HAPT's
/// six activity labels: the trained default model does not exist yet, and the loop's equality
/// holds for any model.
/// </summary>
internal static class TestModel
{
    public static readonly string[] Labels = ["walking", "walking_upstairs", "walking_downstairs", "sitting", "standing", "laying"];

    private static readonly Lazy<string> ModelFile = new(() =>
    {
        var model = RandomModels.CreateQuantized(new NetworkShape("firmware-test", 6, [("lstm", 32)], 6), 7);
        model.Metadata.Channels.Clear();
        model.Metadata.Channels.AddRange(ExcerptRecording.ImuChannels.Select(c => new InputChannel(c, c.StartsWith("acc", StringComparison.Ordinal) ? "g" : "rad/s")));
        model.Metadata.Labels.Clear();
        model.Metadata.Labels.AddRange(Labels);
        string path = System.IO.Path.Combine(Directory.CreateTempSubdirectory("edgelstm-firmware-model").FullName, "firmware-test.elstm");
        ModelFileWriter.Save(model, path);
        return path;
    });

    public static string Path => ModelFile.Value;
}
