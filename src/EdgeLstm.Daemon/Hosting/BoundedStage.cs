using System.Threading.Channels;

namespace EdgeLstm.Daemon.Hosting;

/// <summary>
/// A bounded queue between two stages with its full-mode and drop counting. The channel itself
/// always waits; dropping is decided here so that sources that must never drop (files) can wait on
/// a stage configured to drop. Producers call <see cref="TryAccept"/> and, only when it says wait,
/// await <see cref="WaitToWriteAsync"/> (no cancellation token: the channel then reuses its single
/// waiter, so steady-state backpressure allocates nothing).
/// </summary>
internal sealed class BoundedStage<T> where T : class
{
    private readonly Channel<T> _channel;
    private readonly FullMode _mode;
    private readonly Func<T, int> _sizeOf;
    private readonly Action<T> _recycle;
    private readonly Action<long> _countAccepted, _countDropped, _countDroppedAtStop;
    private volatile bool _completed;

    public BoundedStage(int capacity, FullMode mode, Func<T, int> sizeOf, Action<T> recycle,
                        Action<long> countAccepted, Action<long> countDropped, Action<long> countDroppedAtStop)
    {
        _channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            AllowSynchronousContinuations = false,
        });
        _mode = mode;
        _sizeOf = sizeOf;
        _recycle = recycle;
        _countAccepted = countAccepted;
        _countDropped = countDropped;
        _countDroppedAtStop = countDroppedAtStop;
    }

    public ChannelReader<T> Reader => _channel.Reader;

    /// <summary>Queued items (for status).</summary>
    public int Queued => _channel.Reader.Count;

    /// <summary>
    /// Hands the item over (queued, or dropped and counted, or refused after completion and
    /// counted); false means the caller must wait for room and try again.
    /// </summary>
    public bool TryAccept(T item, bool neverDrop)
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
                _countDroppedAtStop(size);
                _recycle(item);
                return true;
            }
            if (neverDrop || _mode == FullMode.Wait) return false;
            if (_mode == FullMode.DropNewest)
            {
                _countDropped(size);
                _recycle(item);
                return true;
            }
            if (_channel.Reader.TryRead(out var oldest))
            {
                _countDropped(_sizeOf(oldest));
                _recycle(oldest);
            }
        }
    }

    /// <summary>Completes when there may be room; false once the stage is completed.</summary>
    public ValueTask<bool> WaitToWriteAsync() => _channel.Writer.WaitToWriteAsync();

    public void Complete()
    {
        _completed = true;
        _channel.Writer.TryComplete();
    }
}
