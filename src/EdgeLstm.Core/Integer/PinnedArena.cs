using System.Runtime.InteropServices;

namespace EdgeLstm.Core.Integer;

/// <summary>
/// All memory of one integer session (prepared weights, requantization constants, tables, state,
/// scratch) in a few pinned, zeroed chunks, handed out in order at 64-byte boundaries. No vector
/// access splits a cache line, and the buffers' relative placement is the same in every process:
/// with buffers scattered over the GC heap, timings were bimodal from one run to the next.
/// The chunks live as long as the session (they are referenced from it).
/// </summary>
internal sealed unsafe class PinnedArena
{
    private const int Alignment = 64;
    private const int ChunkBytes = 256 * 1024;
    private readonly List<byte[]> _chunks = [];
    private byte* _next;
    private long _left;

    public long AllocatedBytes { get; private set; }

    /// <summary>count zeroed elements; int16 requests are rounded up to an even count (kernels read them in pairs).</summary>
    public T* Allocate<T>(int count) where T : unmanaged
    {
        if (typeof(T) == typeof(short)) count += count & 1;
        long bytes = Math.Max(Alignment, ((long)Math.Max(count, 1) * sizeof(T) + Alignment - 1) / Alignment * Alignment);
        if (bytes > _left) NewChunk(Math.Max(bytes, ChunkBytes));
        byte* p = _next;
        _next += bytes;
        _left -= bytes;
        AllocatedBytes += bytes;
        return (T*)p;
    }

    /// <summary>An arena copy of values (at least length elements, zero beyond them).</summary>
    public T* Copy<T>(ReadOnlySpan<T> values, int length = 0) where T : unmanaged
    {
        T* p = Allocate<T>(Math.Max(values.Length, length));
        values.CopyTo(new Span<T>(p, values.Length));
        return p;
    }

    /// <summary>A table of count pointers to zeroed buffers of n elements each (per-lane buffers of a batched session).</summary>
    public T** Table<T>(int count, int n) where T : unmanaged
    {
        T** table = (T**)Allocate<nint>(count);
        for (int j = 0; j < count; j++) table[j] = Allocate<T>(n);
        return table;
    }

    private void NewChunk(long bytes)
    {
        var chunk = GC.AllocateArray<byte>((int)bytes + Alignment, pinned: true);
        _chunks.Add(chunk);
        byte* start = (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(chunk, 0);
        _next = start + ((Alignment - ((nuint)start & (Alignment - 1))) & (Alignment - 1));
        _left = bytes;
    }
}
