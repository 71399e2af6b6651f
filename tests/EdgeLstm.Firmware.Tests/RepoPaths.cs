namespace EdgeLstm.Firmware.Tests;

/// <summary>Where the firmware samples live in the repository the tests were built from.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = RepoRoot.Directory;
    public static string UnoFirmware => Path.Combine(Root, "firmware-samples", "arduino-uno-imu");
    public static string Recordings => Path.Combine(Root, "firmware-samples", "recordings");
    public static string ExcerptCounts => Path.Combine(Recordings, "hapt-exp03-user02-excerpt-counts.csv");
    public static string SourceRecording => Path.Combine(Recordings, "hapt-exp03-user02.csv");

    /// <summary>Runs a build tool (make, avr-size, python3) to completion, in the repository root unless told otherwise.</summary>
    public static ProcessResult RunTool(string file, IEnumerable<string> args, string? workingDirectory = null) =>
        ProcessRun.Run(file, args, workingDirectory: workingDirectory ?? Root);
}
