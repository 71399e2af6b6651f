namespace EdgeLstm.Daemon.Decoding;

/// <summary>When and where bytes arrived: stamped once per read, shared by the samples it holds.</summary>
public readonly record struct Arrival(long StopwatchTicks, long UtcTicks)
{
    public static Arrival Now() => new(System.Diagnostics.Stopwatch.GetTimestamp(), DateTime.UtcNow.Ticks);
}
