namespace EdgeLstm.Daemon.Samples;

/// <summary>
/// A small lock-protected stack of reusable batches. Renting from an empty pool allocates (counted
/// in <see cref="Allocated"/>); the pipeline's queues are bounded, so the pool stops growing after
/// warm-up and steady state allocates nothing.
/// </summary>
public sealed class BatchPool<T>(Func<T> create, int maxRetained) where T : class
{
    private readonly Stack<T> _items = new(maxRetained);
    private long _allocated;

    public long Allocated => Volatile.Read(ref _allocated);

    public T Rent()
    {
        lock (_items)
        {
            if (_items.Count > 0) return _items.Pop();
        }
        Interlocked.Increment(ref _allocated);
        return create();
    }

    public void Return(T item)
    {
        lock (_items)
        {
            if (_items.Count < maxRetained) _items.Push(item);
        }
    }
}
