namespace EdgeLstm.Daemon.Sources;

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
