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
