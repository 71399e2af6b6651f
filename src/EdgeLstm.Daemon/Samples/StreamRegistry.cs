using System.Collections.Concurrent;

namespace EdgeLstm.Daemon.Samples;

/// <summary>
/// Every stream seen since start, by name; handles are created on first sight and never removed.
/// The stream's partition is decided there, once; a stream of another gateway's partition is
/// logged once, at that moment, and never again.
/// </summary>
public sealed class StreamRegistry(StreamPartition partition, Action<string> log)
{
    public StreamRegistry() : this(StreamPartition.Whole, _ => { }) { }

    public StreamPartition Partition { get; } = partition;

    private readonly ConcurrentDictionary<string, StreamHandle> _byName = new(StringComparer.Ordinal);
    private readonly List<StreamHandle> _inOrder = [];

    public StreamHandle GetOrAdd(string name, string sourceName, bool recording = false)
    {
        if (_byName.TryGetValue(name, out var existing)) return existing;
        lock (_inOrder)
        {
            if (_byName.TryGetValue(name, out existing)) return existing;
            int part = Partition.PartitionOf(name);
            var handle = new StreamHandle(name, sourceName, _inOrder.Count, recording, part, part == Partition.Index);
            _inOrder.Add(handle);
            _byName[name] = handle;
            if (!handle.Ours) log($"stream '{name}' belongs to partition {part} of {Partition.Count}, not ours ({Partition.Index}): counted as other_partition, not classified");
            return handle;
        }
    }

    /// <summary>The streams in order of first sight (a copy, safe to enumerate while the pipeline runs).</summary>
    public IReadOnlyList<StreamHandle> Snapshot()
    {
        lock (_inOrder) return [.. _inOrder];
    }
}
