namespace EdgeLstm.Daemon.Processing;

/// <summary>When a stream's recurrent state is cleared (DESIGN.md section 3).</summary>
public sealed record ResetSettings
{
    /// <summary>Reset when a frame's sequence number is not the previous one plus one.</summary>
    public bool OnGap { get; init; } = true;

    /// <summary>Reset when no sample arrived for this long (0 = never).</summary>
    public TimeSpan Timeout { get; init; }

    /// <summary>Reset every N steps (0 = never).</summary>
    public long EverySteps { get; init; }
}
