namespace EdgeLstm.Daemon.Sources;

/// <summary>A byte source the pump reads from; 0 bytes means the end of the input.</summary>
public interface IByteInput
{
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);
}
