using System.Threading.Channels;

namespace EdgeLstm.Daemon.Flow;

/// <summary>
/// A bounded queue between two stages with full-mode and drop accounting. The channel itself
/// always waits; dropping is decided here, per producer, so that a source that can push back (a
/// file, a TCP peer, stdin) waits on the same stage where a serial port or UDP drops. Producers
/// call <see cref="TryAccept"/> and, only when it says wait, await <see cref="WaitToWriteAsync"/>
/// (no cancellation token: the channel then reuses its single waiter, so steady-state
/// backpressure allocates nothing).
/// Accounting: every item handed to <see cref="TryAccept"/> that returns true is counted as
/// accepted, and every accepted item ends read by the consumer, or dropped (counted by
/// <c>dropped</c>: the incoming one under dropNewest, the oldest queued one under dropOldest),
/// or refused after completion (counted by <c>droppedAtStop</c>). So accepted = read + dropped +
/// dropped at stop + queued, at any moment.
/// </summary>
internal sealed class BoundedStage<T> where T : class
{
    private readonly Channel<T> _channel;
    private readonly Func<T, int> _sizeOf;
    private readonly Action<T> _recycle;
    private readonly Action<long> _countAccepted;
    private readonly Action<T> _dropped, _droppedAtStop;
    private volatile bool _completed;

    /// <param name="dropped">Counts (and may inspect) an item dropped by a full-mode, before it is recycled.</param>
    /// <param name="droppedAtStop">Counts an item refused because the stage was completed, before it is recycled.</param>
    public BoundedStage(int capacity, Func<T, int> sizeOf, Action<T> recycle,
                        Action<long> countAccepted, Action<T> dropped, Action<T> droppedAtStop)
    {
        _channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            AllowSynchronousContinuations = false,
        });
        _sizeOf = sizeOf;
        _recycle = recycle;
        _countAccepted = countAccepted;
        _dropped = dropped;
        _droppedAtStop = droppedAtStop;
    }

    public ChannelReader<T> Reader => _channel.Reader;

    /// <summary>Queued items (for status).</summary>
    public int Queued => _channel.Reader.Count;

    /// <summary>
    /// Hands the item over under the producer's full-mode (queued, or dropped and counted, or
    /// refused after completion and counted); false means the caller must wait for room and try again.
    /// </summary>
    public bool TryAccept(T item, FullMode mode)
    {
        int size = _sizeOf(item);
        while (true)
        {
            if (_channel.Writer.TryWrite(item))
            {
                _countAccepted(size);
                return true;
            }
            if (_completed)
            {
                _countAccepted(size);
                _droppedAtStop(item);
                _recycle(item);
                return true;
            }
            if (mode == FullMode.Wait) return false;
            if (mode == FullMode.DropNewest)
            {
                _countAccepted(size);
                _dropped(item);
                _recycle(item);
                return true;
            }
            if (_channel.Reader.TryRead(out var oldest))
            {
                _dropped(oldest);
                _recycle(oldest);
            }
        }
    }

    /// <summary>Counts an item the producer could not hand over before the stop as accepted and dropped at the stop.</summary>
    public void DropAtStop(T item)
    {
        _countAccepted(_sizeOf(item));
        _droppedAtStop(item);
        _recycle(item);
    }

    /// <summary>Completes when there may be room; false once the stage is completed.</summary>
    public ValueTask<bool> WaitToWriteAsync() => _channel.Writer.WaitToWriteAsync();

    public void Complete()
    {
        _completed = true;
        _channel.Writer.TryComplete();
    }
}
