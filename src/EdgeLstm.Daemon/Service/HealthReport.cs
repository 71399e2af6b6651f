namespace EdgeLstm.Daemon.Service;

/// <summary>Is the data fresh: false when a source that should be live has been silent too long.</summary>
public readonly record struct HealthReport(bool Healthy, string Reason)
{
    public static HealthReport Ok { get; } = new(true, "");
}
