using System.Globalization;
using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Cli.Tests;

/// <summary>
/// The firmware's world for `record` tests: a quantized random LSTM whose inputs are the IMU's
/// channels (acc_x.. in g, gyro_x.. in rad/s), the shipped excerpt of a real recording in the
/// firmware's raw MPU-6050 counts, and the shipped firmware configuration that scales them.
/// </summary>
internal static class ImuFixtures
{
    public static readonly string[] Channels = ["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z"];
    public static readonly string[] Labels = ["walking", "walking_upstairs", "walking_downstairs", "sitting", "standing", "laying"];

    public static string ExcerptCountsPath => Path.Combine(CliProcess.RepoRoot, "firmware-samples", "recordings", "hapt-exp03-user02-excerpt-counts.csv");
    public static string FirmwareConfigPath => Path.Combine(CliProcess.RepoRoot, "firmware-samples", "arduino-uno-imu", "edgelstm-uno.json");

    private static readonly Lazy<string> Model = new(() =>
    {
        var model = RandomModels.CreateQuantized(new NetworkShape("imu-test", 6, [("lstm", 24)], 6), 11);
        model.Metadata.Channels.Clear();
        model.Metadata.Channels.AddRange(Channels.Select(c => new InputChannel(c, c.StartsWith("acc", StringComparison.Ordinal) ? "g" : "rad/s")));
        model.Metadata.Labels.Clear();
        model.Metadata.Labels.AddRange(Labels);
        string path = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-record-model").FullName, "imu-test.elstm");
        ModelFileWriter.Save(model, path);
        return path;
    });

    public static string ModelPath => Model.Value;

    private static readonly Lazy<short[][]> Counts = new(() => File.ReadLines(ExcerptCountsPath).Skip(1)
        .Select(l => l.Split(',')[1..7].Select(f => short.Parse(f, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)).ToArray()).ToArray());

    /// <summary>The excerpt's samples in raw counts (2100 rows of six channels).</summary>
    public static short[][] ExcerptCounts => Counts.Value;
}
