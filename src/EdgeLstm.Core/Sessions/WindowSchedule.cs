namespace EdgeLstm.Core;

/// <summary>
/// When a windowed model classifies, the one schedule of the daemon and of the streaming
/// evaluation: counting the samples since the stream's last reset (this one included), a window
/// closes at the <see cref="Window"/>-th sample and at every <see cref="Hop"/>-th after it; at a
/// close the session is reset, re-run over the last Window samples, and its label is the
/// decision for that sample. 1 &lt;= Hop &lt;= Window, so that every sample is in at least one
/// window: a model file declaring otherwise is refused (<see cref="Problem"/>).
/// </summary>
public readonly record struct WindowSchedule
{
    private WindowSchedule(int window, int hop)
    {
        Window = window;
        Hop = hop;
    }

    public int Window { get; }
    public int Hop { get; }

    /// <summary>The schedule a model declares; null for a streaming model (a decision after every sample).</summary>
    public static WindowSchedule? Of(ModelMetadata metadata)
    {
        if (metadata.Mode != ClassificationMode.Windowed) return null;
        if (Problem(metadata.Window, metadata.Hop) is { } problem) throw new ModelException(problem);
        return new WindowSchedule(metadata.Window, metadata.Hop);
    }

    /// <summary>What is wrong with a windowed model's window and hop, or null.</summary>
    public static string? Problem(int window, int hop) =>
        window < 1 ? $"a windowed model needs a window of at least 1 sample, this one declares {window}"
        : hop < 1 ? $"a windowed model needs a hop of at least 1 sample, this one declares {hop}"
        : hop > window ? $"the model's hop of {hop} samples exceeds its window of {window}: samples between windows would never be classified"
        : null;

    /// <summary>Whether the window closes at the <paramref name="count"/>-th sample since the last reset (1-based).</summary>
    public bool ClosesAt(long count) => count >= Window && (count - Window) % Hop == 0;
}
