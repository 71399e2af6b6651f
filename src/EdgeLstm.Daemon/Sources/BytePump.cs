using System.Buffers;
using EdgeLstm.Daemon.Decoding;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Sources;

/// <summary>
/// The read-decode-accept loop every byte source shares: reads into one buffer, lets the decoder
/// consume whole records from its front, hands full batches (and, at the end of each read, the
/// partial one, so live samples are not held back) to the input stage, and keeps the unconsumed
/// tail for the next read. Steady state allocates nothing.
/// </summary>
public sealed class BytePump
{
    public const int BufferSize = 1 << 16;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _start, _end;

    /// <summary>Pumps until the input ends (returns) or fails/is cancelled (throws).</summary>
    /// <param name="neverDrop">Wait for room instead of applying the stage's drop mode (recordings).</param>
    /// <param name="pacer">Release samples one by one in real time (replay); null for as fast as they come.</param>
    public async Task RunAsync(IByteInput input, ISampleDecoder decoder, SourceContext context, bool neverDrop, Pacer? pacer, CancellationToken cancellationToken)
    {
        _start = _end = 0;
        var batch = context.RentBatch();
        try
        {
            while (true)
            {
                Compact();
                int n = await input.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
                bool final = n == 0;
                _end += n;
                Interlocked.Add(ref context.Counters.BytesReceived, n);
                var arrival = Arrival.Now();
                if (n > 0) context.MarkData(System.Diagnostics.Stopwatch.GetTimestamp());
                while (true)
                {
                    long allocated = GC.GetAllocatedBytesForCurrentThread();
                    bool more = DecodeSome(decoder, batch, pacer is null ? int.MaxValue : 1, final, arrival);
                    context.Counters.AddStageAllocation(allocated);
                    if (batch.Count == 0) break;
                    if (pacer is not null) await pacer.WaitAsync(batch.RecordingSeconds[0], cancellationToken).ConfigureAwait(false);
                    if (!more && !batch.IsFull) break;
                    while (!context.Input.TryAccept(batch, neverDrop))
                        if (!await context.Input.WaitToWriteAsync().ConfigureAwait(false)) { context.Input.TryAccept(batch, true); break; }
                    batch = context.RentBatch();
                }
                if (batch.Count > 0)
                {
                    while (!context.Input.TryAccept(batch, neverDrop))
                        if (!await context.Input.WaitToWriteAsync().ConfigureAwait(false)) { context.Input.TryAccept(batch, true); break; }
                    batch = context.RentBatch();
                }
                if (final) return;
            }
        }
        finally
        {
            // Samples decoded but not yet handed over when the source stops: offer them without waiting.
            if (batch.Count > 0 && !context.Input.TryAccept(batch, neverDrop: false))
            {
                Interlocked.Add(ref context.Counters.DroppedAtStop, batch.Count);
                context.Batches.Return(batch);
            }
            else if (batch.Count == 0) context.Batches.Return(batch);
        }
    }

    /// <summary>Decodes into the batch; true when the decoder stopped early (batch full or sample limit) with input left.</summary>
    private bool DecodeSome(ISampleDecoder decoder, SampleBatch batch, int maxSamples, bool final, Arrival arrival)
    {
        var data = new ReadOnlySequence<byte>(_buffer, _start, _end - _start);
        var consumedTo = decoder.Decode(data, batch, maxSamples, final, arrival);
        _start += (int)data.Slice(0, consumedTo).Length;
        return _start < _end && (batch.IsFull || batch.Count >= maxSamples);
    }

    private void Compact()
    {
        if (_start == _end) _start = _end = 0;
        else if (_start > 0 && _end > BufferSize / 2)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == BufferSize) _start = _end = 0; // cannot happen with the decoders' limits; never spin
    }
}
