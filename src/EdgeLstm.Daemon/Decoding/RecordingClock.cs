namespace EdgeLstm.Daemon.Decoding;

/// <summary>
/// A recording's `time` column (seconds) as the JSON `time` field: seconds since the Unix epoch,
/// so absolute times stay absolute and relative ones (starting at 0) read as 1970-01-01T00:00:...Z.
/// </summary>
public static class RecordingClock
{
    public static long UtcTicks(double seconds) =>
        DateTime.UnixEpoch.Ticks + (long)Math.Round(Math.Clamp(seconds, -6e10, 2.5e11) * TimeSpan.TicksPerSecond);
}
