namespace EdgeLstm.Daemon.Processing;

/// <summary>When classifications are emitted.</summary>
public enum EmitMode
{
    /// <summary>Whenever the decided label changes (the first decision included).</summary>
    Change,
    /// <summary>Every <see cref="EventSettings.Hop"/> decisions, the current label.</summary>
    Hop,
}

/// <summary>The event logic over per-step scores (DESIGN.md section 5).</summary>
public sealed record EventSettings
{
    /// <summary>Exponential smoothing of the probabilities: s = a·s + (1-a)·p. 0 = none; below 1.</summary>
    public float Smoothing { get; init; }

    /// <summary>A label must reach this smoothed probability to be decided (0 = any).</summary>
    public float Threshold { get; init; }

    /// <summary>Consecutive decisions a new label must hold before it replaces the current one.</summary>
    public int MinDuration { get; init; } = 1;

    public EmitMode Emit { get; init; } = EmitMode.Change;

    /// <summary>Decisions between emissions with <see cref="EmitMode.Hop"/> (a windowed model decides once per window hop).</summary>
    public int Hop { get; init; } = 1;
}
