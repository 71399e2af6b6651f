using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Decoding;

/// <summary>
/// Decodes the binary frames of docs/protocol.md. Resynchronization: bytes before a sync word are
/// skipped (one Garbage rejection per run); a header out of limits or a CRC mismatch rejects the
/// candidate and the search resumes one byte after its sync word, so a valid frame that follows
/// garbage, a truncated frame or a corrupted one is always found.
/// Accounting: a frame's bytes go to <c>bytes_decoded</c>; the first byte of a refused candidate
/// (bad header, bad checksum) and the rest of a truncated one to <c>bytes_rejected</c>; bytes
/// skipped while searching to <c>garbage_bytes</c>; a frame of a stream another gateway classifies
/// (<see cref="StreamHandle.Ours"/>) to <c>bytes_other_partition</c>, unread. A frame may be of any allowed size whatever
/// the batch size: one that does not fit the batch's free room waits for the next batch.
/// </summary>
public sealed class BinaryFrameDecoder : ISampleDecoder
{
    private readonly DecoderOptions _options;
    private readonly Func<int, StreamHandle> _streamOf;
    private readonly Dictionary<int, StreamHandle> _streams = [];
    private readonly ColumnLayout[] _layouts = new ColumnLayout[BinaryFrame.MaxChannels + 1];
    private readonly byte[] _frame = new byte[BinaryFrame.MaxSize];
    private bool _inGarbage;

    /// <param name="streamOf">The stream handle of a frame's stream id (called once per id).</param>
    public BinaryFrameDecoder(DecoderOptions options, Func<int, StreamHandle> streamOf)
    {
        _options = options;
        _streamOf = streamOf;
    }

    public void DiscardPartial()
    {
        _inGarbage = false;
        _options.Rejections?.Flush();
    }

    public SequencePosition Decode(ReadOnlySequence<byte> input, SampleBatch batch, int maxSamples, bool isFinal, Arrival arrival)
    {
        var reader = new SequenceReader<byte>(input);
        int added = 0;
        Span<byte> header = stackalloc byte[BinaryFrame.HeaderSize];
        while (added < maxSamples && !batch.IsFull)
        {
            long before = reader.Consumed;
            bool found = reader.TryAdvanceTo(BinaryFrame.Sync0, advancePastDelimiter: false);
            if (!found) reader.AdvanceToEnd();
            Skipped(reader.Consumed - before);
            if (!found) break;

            if (!reader.TryCopyTo(header))
            {
                if (isFinal) Truncated(ref reader);
                break;
            }
            var format = (SampleFormat)header[BinaryFrame.OffFormat];
            int channels = header[BinaryFrame.OffChannels], samples = header[BinaryFrame.OffSamples];
            if (header[1] != BinaryFrame.Sync1)
            {
                reader.Advance(1);
                Skipped(1);
                continue;
            }
            if (header[BinaryFrame.OffVersion] != BinaryFrame.Version || format is not (SampleFormat.Int16 or SampleFormat.Float32)
                || channels is < 1 or > BinaryFrame.MaxChannels || samples is < 1 or > BinaryFrame.MaxSamples)
            {
                Refuse(RejectReason.BadFrameHeader, header);
                reader.Advance(1);
                continue;
            }
            int size = BinaryFrame.Size(format, channels, samples);
            if (reader.Remaining < size)
            {
                if (!isFinal) break; // the rest of the frame is still to come
                // The input ends inside this candidate: a truncated frame, or a false sync word whose
                // "size" covers real frames after it. Refuse its first byte and search on.
                Refuse(RejectReason.TruncatedFrame, header);
                reader.Advance(1);
                continue;
            }
            ReadOnlySpan<byte> frame = reader.UnreadSpan.Length >= size ? reader.UnreadSpan[..size] : Copy(ref reader, size);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(frame[(size - BinaryFrame.CrcSize)..]);
            if (Crc32.HashToUInt32(frame[2..(size - BinaryFrame.CrcSize)]) != crc)
            {
                Refuse(RejectReason.BadChecksum, header);
                reader.Advance(1);
                continue;
            }
            if (batch.Count + samples > batch.Capacity && batch.Count > 0) break; // flush first, keep the frame
            _inGarbage = false;
            var stream = StreamOf(frame);
            if (!stream.Ours) _options.Counters.OtherPartition(samples, size); // another gateway's: its payload is not read
            else
            {
                Interlocked.Increment(ref _options.Counters.LinesOrFramesDecoded);
                _options.Counters.Understood(size);
                added += Samples(frame, stream, format, channels, samples, batch, arrival);
            }
            reader.Advance(size);
        }
        return reader.Position;
    }

    private StreamHandle StreamOf(ReadOnlySpan<byte> frame)
    {
        int id = BinaryPrimitives.ReadUInt16LittleEndian(frame[BinaryFrame.OffStreamId..]);
        if (!_streams.TryGetValue(id, out var stream)) _streams[id] = stream = _streamOf(id);
        return stream;
    }

    private int Samples(ReadOnlySpan<byte> frame, StreamHandle stream, SampleFormat format, int channels, int samples, SampleBatch batch, Arrival arrival)
    {
        int id = BinaryPrimitives.ReadUInt16LittleEndian(frame[BinaryFrame.OffStreamId..]);
        var layout = _layouts[channels] ??= ColumnLayout.Positional(channels);
        uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(frame[BinaryFrame.OffSequence..]);
        ulong timestamp = BinaryPrimitives.ReadUInt64LittleEndian(frame[BinaryFrame.OffTimestamp..]);
        uint interval = BinaryPrimitives.ReadUInt32LittleEndian(frame[BinaryFrame.OffInterval..]);
        var payload = frame[BinaryFrame.HeaderSize..];
        int added = 0;
        for (int s = 0; s < samples; s++)
        {
            int slot = batch.Next();
            var row = batch.Row(slot);
            bool finite = true;
            for (int c = 0; c < channels; c++)
            {
                int k = s * channels + c;
                float v = format == SampleFormat.Int16
                    ? BinaryPrimitives.ReadInt16LittleEndian(payload[(2 * k)..])
                    : BinaryPrimitives.ReadSingleLittleEndian(payload[(4 * k)..]);
                finite &= float.IsFinite(v);
                row[c] = v;
            }
            if (!finite)
            {
                _options.Counters.Reject(RejectReason.NonFinite);
                _options.Rejections?.Rejected(RejectReason.NonFinite, frame[..BinaryFrame.HeaderSize], (id, s), static t => $"sample {t.s} of a frame of stream {t.id} is NaN or infinite");
                continue;
            }
            double seconds = timestamp == 0 ? double.NaN : (timestamp + (double)s * interval) / 1e6;
            batch.Stream[slot] = stream;
            batch.Layout[slot] = layout;
            batch.Sequence[slot] = (uint)(sequence + (uint)s);
            batch.RecordingSeconds[slot] = seconds;
            batch.ArrivalTicks[slot] = arrival.StopwatchTicks;
            batch.WallTicks[slot] = _options.RecordingTime ? RecordingClock.WallTicksOf(seconds) : arrival.UtcTicks;
            batch.Label[slot] = -1;
            batch.Commit();
            added++;
        }
        Interlocked.Add(ref _options.Counters.SamplesDecoded, added);
        return added;
    }

    private ReadOnlySpan<byte> Copy(ref SequenceReader<byte> reader, int size)
    {
        reader.TryCopyTo(_frame.AsSpan(0, size));
        return _frame.AsSpan(0, size);
    }

    private void Skipped(long bytes)
    {
        if (bytes <= 0) return;
        Interlocked.Add(ref _options.Counters.GarbageBytes, bytes);
        if (!_inGarbage)
        {
            _options.Counters.Reject(RejectReason.Garbage);
            _options.Rejections?.Rejected(RejectReason.Garbage, [], 0, static _ => "bytes outside frames were skipped until the next sync word");
        }
        _inGarbage = true;
    }

    private void Refuse(RejectReason reason, ReadOnlySpan<byte> header)
    {
        _options.Counters.Reject(reason, 1);
        _options.Rejections?.Rejected(reason, header, 0, static _ => "the search resumes after its sync word");
    }

    private void Truncated(ref SequenceReader<byte> reader)
    {
        _options.Counters.Reject(RejectReason.TruncatedFrame, reader.Remaining);
        _options.Rejections?.Rejected(RejectReason.TruncatedFrame, reader.UnreadSpan, 0, static _ => "the input ended inside a frame");
        reader.AdvanceToEnd();
    }
}
