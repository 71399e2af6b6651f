using System.IO.Hashing;
using System.Text;

namespace EdgeLstm.Daemon.Samples;

/// <summary>
/// Which of <see cref="Count"/> gateways classifies a stream (issue 17, scale-out): the one whose
/// <see cref="Index"/> equals <see cref="Of"/>, the XXH32 hash (xxHash, Collet; System.IO.Hashing's
/// <see cref="XxHash32"/>, seed 0) of the stream's name in UTF-8, taken as an unsigned 32-bit
/// number, modulo the count. The name is the one the daemon writes as `stream` (a text source's
/// name, `SOURCE/ID` for frames). Stable across runs, machines and versions, so other tools can
/// compute it (Python: <c>xxhash.xxh32_intdigest(name.encode(), 0) % count</c>). Decided once per
/// stream, at its first sight (<see cref="StreamRegistry"/>).
/// </summary>
public sealed record StreamPartition
{
    public StreamPartition(int count, int index)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        Count = count;
        Index = index;
    }

    /// <summary>One gateway classifies every stream (the default).</summary>
    public static StreamPartition Whole { get; } = new(1, 0);

    public int Count { get; }
    public int Index { get; }

    /// <summary>The partition of <paramref name="streamName"/> among <paramref name="count"/>: XXH32(UTF-8 name, seed 0) mod count.</summary>
    public static int Of(string streamName, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(streamName)) % (uint)count);
    }

    /// <summary>The stream's partition under this one's count.</summary>
    public int PartitionOf(string streamName) => Count == 1 ? 0 : Of(streamName, Count);
}
