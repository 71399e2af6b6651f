namespace EdgeLstm.Daemon.Sources;

/// <summary>Any Stream (serial port, stdin, a pipe).</summary>
public sealed class StreamInput(Stream stream) : IByteInput
{
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => stream.ReadAsync(buffer, cancellationToken);
}
