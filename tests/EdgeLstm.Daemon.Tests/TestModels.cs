using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Daemon.Tests;

/// <summary>
/// Seeded random-weight quantized models with the shipped recording's channels and HAPT's six
/// activity labels (the trained default does not exist yet; these exercise the same paths).
/// </summary>
internal static class TestModels
{
    public static readonly string[] Channels = ["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z"];
    public static readonly string[] Labels = ["walking", "walking_upstairs", "walking_downstairs", "sitting", "standing", "laying"];

    private static readonly Lazy<EdgeModel> Small = new(() => Create(new NetworkShape("test-S", 6, [("lstm", 32)], 6), 7));
    private static readonly Lazy<string> SmallFile = new(() =>
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-daemon-tests").FullName, "test-S.elstm");
        ModelFileWriter.Save(Small.Value, path);
        return path;
    });

    public static EdgeModel Streaming => Small.Value;
    public static string StreamingPath => SmallFile.Value;

    public static EdgeModel Create(NetworkShape shape, int seed)
    {
        var model = RandomModels.CreateQuantized(shape, seed);
        model.Metadata.Channels.Clear();
        model.Metadata.Channels.AddRange(Channels.Take(shape.Inputs).Select(c => new InputChannel(c, c.StartsWith("acc", StringComparison.Ordinal) ? "g" : "rad/s")));
        model.Metadata.Labels.Clear();
        model.Metadata.Labels.AddRange(Labels.Take(shape.Classes));
        return model;
    }

    public static string RepoRoot => EdgeLstm.Tests.Shared.RepoRoot.Directory;

    public static string Recording => Path.Combine(RepoRoot, "firmware-samples", "recordings", "hapt-exp03-user02.csv");
}
