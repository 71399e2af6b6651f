using EdgeLstm.Daemon.Processing;

namespace EdgeLstm.Daemon.Sinks;

/// <summary>
/// One block of emitted classifications for the sinks: the JSON lines (each ending in '\n', line i
/// spanning LineEnds[i-1]..LineEnds[i]) and the structured events they came from, for sinks that
/// publish per event (an MQTT topic per stream, say). Valid only during <see cref="ISink.Write"/>.
/// </summary>
public readonly ref struct OutputBlock(ReadOnlySpan<byte> lines, ReadOnlySpan<int> lineEnds, ClassificationBatch events)
{
    public ReadOnlySpan<byte> Lines { get; } = lines;
    public ReadOnlySpan<int> LineEnds { get; } = lineEnds;
    public ClassificationBatch Events { get; } = events;
    public int Count => LineEnds.Length;

    /// <summary>Line i with its '\n'.</summary>
    public ReadOnlySpan<byte> Line(int i) => Lines[(i == 0 ? 0 : LineEnds[i - 1])..LineEnds[i]];
}

/// <summary>
/// Where classifications go. Called from the sink stage's single thread: Write per block, Flush
/// when the output queue runs empty and at stop. A sink handles its own failures (reconnects,
/// counts errors) and never throws for a peer's trouble; the pipeline counts what it reports.
/// </summary>
public interface ISink : IDisposable
{
    string Name { get; }

    /// <summary>Opens connections or ports; called once before the pipeline runs.</summary>
    void Start() { }

    /// <summary>Writes the block; returns false if the sink could not deliver it (counted as a sink error).</summary>
    bool Write(in OutputBlock block);

    void Flush();

    /// <summary>After the last block: deliver what is still pending (within the sink's own drain limit) and disconnect.</summary>
    void Close() { }
}
