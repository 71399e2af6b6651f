namespace EdgeLstm.Firmware.Tests;

/// <summary>Where the firmware samples live in the repository the tests were built from.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();
    public static string UnoFirmware => Path.Combine(Root, "firmware-samples", "arduino-uno-imu");
    public static string Recordings => Path.Combine(Root, "firmware-samples", "recordings");
    public static string ExcerptCounts => Path.Combine(Recordings, "hapt-exp03-user02-excerpt-counts.csv");
    public static string SourceRecording => Path.Combine(Recordings, "hapt-exp03-user02.csv");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeLstm.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
