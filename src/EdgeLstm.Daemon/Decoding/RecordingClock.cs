namespace EdgeLstm.Daemon.Decoding;

/// <summary>
/// A recording's `time` column (seconds, or a frame's timestamp) as the JSON time of its
/// classifications. An absolute time (seconds since the Unix epoch, 10^9 or more: after
/// 2001-09-09) becomes the ISO-8601 `time` field; a relative one (a recording that starts near 0,
/// a sensor's clock since boot) is written as it is, in seconds, as `time_s`, never as a date in
/// 1970.
/// </summary>
public static class RecordingClock
{
    /// <summary>Recording times from here on are Unix times; below, relative ones.</summary>
    public const double FirstAbsoluteSecond = 1e9;

    /// <summary>The UTC ticks of an absolute recording time; 0 (no `time` field) for NaN or a relative time.</summary>
    public static long WallTicksOf(double seconds) => double.IsNaN(seconds) || seconds < FirstAbsoluteSecond ? 0 : UtcTicks(seconds);

    public static long UtcTicks(double seconds) =>
        DateTime.UnixEpoch.Ticks + (long)Math.Round(Math.Clamp(seconds, -6e10, 2.5e11) * TimeSpan.TicksPerSecond);
}
