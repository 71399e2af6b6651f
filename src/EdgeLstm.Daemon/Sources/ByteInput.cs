using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;

namespace EdgeLstm.Daemon.Sources;

/// <summary>A byte source the pump reads from; 0 bytes means the end of the input.</summary>
public interface IByteInput
{
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);
}

/// <summary>A file read synchronously at increasing offsets: no per-read allocation (RandomAccess).</summary>
public sealed class FileInput(SafeFileHandle handle) : IByteInput
{
    private long _offset;

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int n = RandomAccess.Read(handle, buffer.Span, _offset);
        _offset += n;
        return new ValueTask<int>(n);
    }
}

/// <summary>Any Stream (serial port, stdin, a pipe).</summary>
public sealed class StreamInput(Stream stream) : IByteInput
{
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => stream.ReadAsync(buffer, cancellationToken);
}

/// <summary>
/// Standard input read synchronously (the console stream's async read is sync-over-async anyway);
/// a blocked read cannot be cancelled, so the pipeline's stop does not wait for it beyond its grace.
/// </summary>
public sealed class BlockingStreamInput(Stream stream) : IByteInput
{
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<int>(stream.Read(buffer.Span));
    }
}

/// <summary>A connected socket (Socket's awaitable receive reuses its event args).</summary>
public sealed class SocketInput(Socket socket) : IByteInput
{
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
}

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
