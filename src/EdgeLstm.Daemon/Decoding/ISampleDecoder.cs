using System.Buffers;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Decoding;

/// <summary>
/// Bytes to samples, in the PipeReader style: the decoder reads whole records from the front of
/// the input and returns how far it consumed; an incomplete record stays for the next call.
/// Decoders are stateful per connection (header, partial-line skipping) and allocate nothing per sample.
/// </summary>
public interface ISampleDecoder
{
    /// <summary>
    /// Decodes records into <paramref name="batch"/> until the input is exhausted, the batch is full,
    /// or <paramref name="maxSamples"/> samples were added. With <paramref name="isFinal"/> the input
    /// ends here: a trailing record without terminator is decoded or rejected.
    /// </summary>
    SequencePosition Decode(ReadOnlySequence<byte> input, SampleBatch batch, int maxSamples, bool isFinal, Arrival arrival);

    /// <summary>Forgets partial-record state (the byte stream was interrupted: reopen, reconnect).</summary>
    void DiscardPartial();
}
