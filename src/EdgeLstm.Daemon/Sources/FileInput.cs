using Microsoft.Win32.SafeHandles;

namespace EdgeLstm.Daemon.Sources;

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
