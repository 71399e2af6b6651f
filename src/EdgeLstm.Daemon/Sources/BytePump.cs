using System.Buffers;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Decoding;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Sources;

/// <summary>
/// The read-decode-accept loop every byte source shares: reads into one buffer, lets the decoder
/// consume whole records from its front, and hands each batch the decoder fills to the input
/// stage (full, or partial when the input holds no further whole record, so live samples are
/// never held back) until no whole record is left; the unconsumed tail waits for the next read.
/// Nothing is left behind silently: at the end of the input the decoder consumes the tail
/// (decoding or rejecting it), and bytes still held when the source stops or fails are counted
/// as rejected (<c>incomplete</c>). Steady state allocates nothing.
/// </summary>
public sealed class BytePump
{
    public const int BufferSize = 1 << 16;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _start, _end;

    /// <summary>Pumps until the input ends (returns) or fails/is cancelled (throws).</summary>
    /// <param name="neverDrop">Wait for room whatever the source's full-mode (recordings).</param>
    /// <param name="pacer">Release samples one by one in real time (replay); null for as fast as they come.</param>
    public async Task RunAsync(IByteInput input, ISampleDecoder decoder, SourceContext context, bool neverDrop, Pacer? pacer, CancellationToken cancellationToken)
    {
        _start = _end = 0;
        var mode = neverDrop ? FullMode.Wait : context.FullMode;
        var batch = context.RentBatch();
        try
        {
            while (true)
            {
                Compact(context);
                int n = await input.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
                bool final = n == 0;
                _end += n;
                Interlocked.Add(ref context.Counters.BytesReceived, n);
                var arrival = Arrival.Now();
                if (n > 0) context.MarkData(System.Diagnostics.Stopwatch.GetTimestamp());
                while (true)
                {
                    long allocated = GC.GetAllocatedBytesForCurrentThread();
                    DecodeSome(decoder, batch, pacer is null ? int.MaxValue : 1, final, arrival);
                    context.Counters.AddStageAllocation(allocated);
                    if (batch.Count == 0) break; // no whole record left: read more
                    if (pacer is not null) await pacer.WaitAsync(batch.RecordingSeconds[0], cancellationToken).ConfigureAwait(false);
                    await HandOverAsync(batch, context, mode).ConfigureAwait(false);
                    batch = context.RentBatch();
                }
                if (final) return;
            }
        }
        finally
        {
            // Bytes of a record not yet complete when the source stops or fails.
            if (_end > _start) Discard(context, "the source stopped or lost its connection or device inside it");
            _start = _end = 0;
            decoder.DiscardPartial();
            // Samples decoded but not yet handed over when the source stops: offer them without waiting.
            if (batch.Count == 0) context.Batches.Return(batch);
            else if (!context.Input.TryAccept(batch, mode)) context.Input.DropAtStop(batch);
        }
    }

    /// <summary>
    /// Hands the batch to the input stage under the source's full-mode; waits for room where the
    /// mode says wait. True when the stage took it (queued, or dropped and counted by the
    /// full-mode); false when the stage was completed (the stop) and the batch was counted as
    /// dropped at the stop.
    /// </summary>
    internal static ValueTask<bool> HandOverAsync(SampleBatch batch, SourceContext context, FullMode mode) =>
        HandOverAsync(batch, context.Input, mode);

    /// <summary>The same, to a given input stage (a stream's shard: <see cref="SourceContext.InputOfStream"/>).</summary>
    internal static async ValueTask<bool> HandOverAsync(SampleBatch batch, BoundedStage<SampleBatch> input, FullMode mode)
    {
        while (!input.TryAccept(batch, mode))
            if (!await input.WaitToWriteAsync().ConfigureAwait(false))
            {
                input.DropAtStop(batch); // completed meanwhile
                return false;
            }
        return true;
    }

    /// <summary>Counts and logs the bytes held (a record's beginning) as rejected: <c>incomplete</c>.</summary>
    private void Discard(SourceContext context, string why)
    {
        context.Counters.Reject(RejectReason.Incomplete, _end - _start);
        context.Rejections.Rejected(RejectReason.Incomplete, _buffer.AsSpan(_start, _end - _start), why, static w => w);
    }

    private void DecodeSome(ISampleDecoder decoder, SampleBatch batch, int maxSamples, bool final, Arrival arrival)
    {
        var data = new ReadOnlySequence<byte>(_buffer, _start, _end - _start);
        var consumedTo = decoder.Decode(data, batch, maxSamples, final, arrival);
        _start += (int)data.Slice(0, consumedTo).Length;
    }

    private void Compact(SourceContext context)
    {
        if (_start == _end) _start = _end = 0;
        else if (_start > 0 && _end > BufferSize / 2)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == BufferSize)
        {
            // The decoders' limits keep a whole record far below the buffer, so this cannot happen; never spin, never lose silently.
            Discard(context, "no record fits the read buffer");
            _start = _end = 0;
        }
    }
}
