using System.Collections.Concurrent;

namespace EdgeLstm.Daemon.Samples;

/// <summary>Every stream seen since start, by name; handles are created on first sight and never removed.</summary>
public sealed class StreamRegistry
{
    private readonly ConcurrentDictionary<string, StreamHandle> _byName = new(StringComparer.Ordinal);
    private readonly List<StreamHandle> _inOrder = [];

    public StreamHandle GetOrAdd(string name, string sourceName, bool recording = false)
    {
        if (_byName.TryGetValue(name, out var existing)) return existing;
        lock (_inOrder)
        {
            if (_byName.TryGetValue(name, out existing)) return existing;
            var handle = new StreamHandle(name, sourceName, _inOrder.Count, recording);
            _inOrder.Add(handle);
            _byName[name] = handle;
            return handle;
        }
    }

    /// <summary>The streams in order of first sight (a copy, safe to enumerate while the pipeline runs).</summary>
    public IReadOnlyList<StreamHandle> Snapshot()
    {
        lock (_inOrder) return [.. _inOrder];
    }
}
