using System.Collections.Concurrent;
using System.Diagnostics;

namespace EdgeLstm.Cli.Capture;

/// <summary>
/// Labelled segments marked live: each key press is a change of the current label stamped with the
/// moment it was read, and a sample takes the label in force when it arrived (its arrival
/// timestamp, not the moment the classifier stage reaches it), so queueing never shifts a
/// segment's edges. One thread marks, the recording thread reads.
/// </summary>
public sealed class LabelTimeline
{
    private readonly ConcurrentQueue<(long Ticks, string? Label)> _changes = new();
    private string? _current;

    /// <summary>From now on, samples are labelled <paramref name="label"/> (null: unlabelled).</summary>
    public void Mark(string? label) => _changes.Enqueue((Stopwatch.GetTimestamp(), label));

    /// <summary>The label of a sample that arrived at <paramref name="arrivalTicks"/> (Stopwatch ticks); samples come in arrival order.</summary>
    public string? LabelAt(long arrivalTicks)
    {
        while (_changes.TryPeek(out var change) && change.Ticks <= arrivalTicks)
        {
            _current = change.Label;
            _changes.TryDequeue(out _);
        }
        return _current;
    }
}
