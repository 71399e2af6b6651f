using System.Net.Sockets;

namespace EdgeLstm.Daemon.Sources;

/// <summary>
/// A connected socket whose every receive must complete within the idle timeout: one linked
/// cancellation source per connection, armed for each read and disarmed when it completes (time
/// spent waiting for room in the queue is not silence); pooled state machines, so no allocation
/// per read.
/// </summary>
public sealed class IdleClosingInput(Socket socket, TimeSpan idle, CancellationToken stop) : IByteInput, IDisposable
{
    private readonly CancellationTokenSource _deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);

    /// <summary>True once a receive was abandoned because the peer stayed silent for the timeout.</summary>
    public bool TimedOut => _deadline.IsCancellationRequested && !stop.IsCancellationRequested;

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        _deadline.CancelAfter(idle);
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, _deadline.Token).ConfigureAwait(false);
        }
        finally
        {
            _deadline.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _deadline.Dispose();
}
