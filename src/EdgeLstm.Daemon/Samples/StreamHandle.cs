using System.Text.Json;

namespace EdgeLstm.Daemon.Samples;

/// <summary>
/// One stream as the pipeline knows it: a source name, plus the frame's stream id where frames
/// carry one. Created on first sight and kept for the life of the pipeline, so a stream's sample
/// index continues across reconnects. The classifier stage hangs its per-stream state here.
/// </summary>
public sealed class StreamHandle
{
    internal StreamHandle(string name, string sourceName, int index, bool recording, int partition = 0, bool ours = true)
    {
        Recording = recording;
        Partition = partition;
        Ours = ours;
        Name = name;
        SourceName = sourceName;
        JsonName = JsonEncodedText.Encode(name, Sinks.JsonLineFormatter.Encoder);
        Index = index;
    }

    public string Name { get; }
    public string SourceName { get; }
    public int Index { get; }

    /// <summary>True for recordings (replay): clocks come from the recording, not from arrival.</summary>
    public bool Recording { get; }

    /// <summary>The stream's partition (<see cref="StreamPartition"/>), decided at first sight.</summary>
    public int Partition { get; }

    /// <summary>
    /// False when another gateway's partition holds the stream: the decoders set its samples aside
    /// unclassified, counted as <c>other_partition</c> (docs/operations.md, many nodes).
    /// </summary>
    public bool Ours { get; }

    /// <summary>The name pre-encoded for the JSON writer (no per-line encoding).</summary>
    public JsonEncodedText JsonName { get; }

    // Arrival timestamp of the newest of this stream's samples dropped by a full queue (0: none yet).
    private long _droppedUpTo;

    /// <summary>A full queue dropped a sample of this stream that arrived at <paramref name="arrivalTicks"/>: the stream has a gap there.</summary>
    internal void NoteDropped(long arrivalTicks)
    {
        long seen = Volatile.Read(ref _droppedUpTo);
        while (arrivalTicks > seen)
        {
            long prior = Interlocked.CompareExchange(ref _droppedUpTo, arrivalTicks, seen);
            if (prior == seen) return;
            seen = prior;
        }
    }

    /// <summary>Arrival timestamp of the newest dropped sample (0 when none was dropped).</summary>
    internal long DroppedUpTo => Volatile.Read(ref _droppedUpTo);

    /// <summary>State owned by the classifier stage (created there on the stream's first sample).</summary>
    internal object? ClassifierState { get; set; }
}
