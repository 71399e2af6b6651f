using EdgeLstm.Daemon.Counters;

namespace EdgeLstm.Daemon.Decoding;

/// <summary>Limits and conventions shared by the decoders of one source.</summary>
public sealed class DecoderOptions
{
    public const int DefaultMaxLineLength = 1024;

    public required PipelineCounters Counters { get; init; }

    /// <summary>Longest accepted text line in bytes (terminator excluded).</summary>
    public int MaxLineLength { get; init; } = DefaultMaxLineLength;

    /// <summary>Data columns of a headerless text line (the model's inputs, or what the channel map needs).</summary>
    public int PositionalColumns { get; init; }

    /// <summary>
    /// Column names that make a line of words a header at once (the model's channel names, or the
    /// configured columns): a header naming all of them is accepted; one naming fewer must be
    /// confirmed by the width of the data line that follows it (docs/protocol.md).
    /// </summary>
    public IReadOnlyList<string> ExpectedNames { get; init; } = [];

    /// <summary>Where the first rejection of each reason, and summaries after it, are logged.</summary>
    public RejectionLog? Rejections { get; init; }

    /// <summary>
    /// True for recordings (replay): the JSON `time` is the recording's time; false for live
    /// sources: the arrival time.
    /// </summary>
    public bool RecordingTime { get; init; }
}
