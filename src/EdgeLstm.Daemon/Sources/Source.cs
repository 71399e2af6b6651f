using EdgeLstm.Daemon.Decoding;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Sources;

/// <summary>
/// A producer of samples. Runs until its input ends (files) or the pipeline stops it (cancellation);
/// handles its own transient failures (reopen, reconnect) and counts them.
/// </summary>
public abstract class Source(string name, InputFormat format, DecoderOptionsTemplate decoding)
{
    public string Name { get; } = name;
    public InputFormat Format { get; } = format;

    /// <summary>True when the source ends by itself (recordings); the pipeline completes when all finite sources have.</summary>
    public virtual bool IsFinite => false;

    /// <summary>
    /// The input queue's full-mode unless the configuration names one: wait where the transport
    /// can push back (a file, a TCP peer, stdin: they slow down and nothing is lost), dropOldest
    /// where it cannot (a serial port or UDP: the bytes come whether we read them or not, and the
    /// newest samples matter most).
    /// </summary>
    public virtual Flow.FullMode DefaultFullMode => Flow.FullMode.DropOldest;

    /// <summary>
    /// True when the source's streams may be classified by different workers: it hands each
    /// stream's batches to that stream's shard (<see cref="SourceContext.InputOfStream"/>), so one
    /// source of many streams (MQTT) uses every classifier worker. False: all its batches go to its
    /// own shard (<see cref="SourceContext.Input"/>).
    /// </summary>
    public virtual bool SpreadsStreams => false;

    public abstract Task RunAsync(SourceContext context, CancellationToken stop);

    /// <summary>
    /// Called by <see cref="Flow.Pipeline.Start"/> before the source runs, on the starting
    /// thread: what health must know from the first moment (before READY=1) is set here.
    /// </summary>
    public virtual void Prepare(SourceContext context) { }

    /// <summary>
    /// A decoder for one connection/open of this source, of the stream <paramref name="stream"/>
    /// (default the source's name; a frame's stream id is appended to it).
    /// </summary>
    protected ISampleDecoder CreateDecoder(SourceContext context, bool recording, string? stream = null)
    {
        stream ??= Name;
        var options = new DecoderOptions
        {
            Counters = context.Counters,
            MaxLineLength = decoding.MaxLineLength,
            PositionalColumns = decoding.PositionalColumns,
            ExpectedNames = decoding.ExpectedNames ?? [],
            Rejections = context.Rejections,
            RecordingTime = recording,
        };
        return Format switch
        {
            InputFormat.Text => new TextLineDecoder(options, context.Streams.GetOrAdd(stream, Name, recording)),
            InputFormat.Json => new JsonSampleDecoder(options, context.Streams.GetOrAdd(stream, Name, recording)),
            _ => new BinaryFrameDecoder(options, id => context.Streams.GetOrAdd($"{stream}/{id}", Name, recording)),
        };
    }
}
