using System.Text.Json;

namespace EdgeLstm.Daemon.Counters;

/// <summary>
/// Every counter of the pipeline, updated with interlocked adds by the stages and readable at run
/// time from any thread (status, watchdog, summary). Counts are of samples unless named otherwise.
/// </summary>
public sealed class PipelineCounters
{
    internal long BytesReceived, BytesDecoded, BytesRejected, LinesOrFramesDecoded, SamplesDecoded, SamplesAccepted, SamplesClassified;
    internal long DroppedInput, DroppedOutput, DroppedAtStop, Classifications, LinesWritten, SinkErrors;
    internal long Sessions, ResetsGap, ResetsDrop, ResetsTimeout, ResetsEvery, SourceOutages, SourceReopens;
    internal long ConnectionsAccepted, ConnectionsRefused, GarbageBytes, RateWarnings, UnmappedSamples, StageAllocated;
    internal long OtherPartitionSamples, OtherPartitionBytes, BatchCalls, BatchedSamples;
    internal readonly long[] Rejected = new long[RejectReasons.Count];

    public LatencyHistogram Latency { get; } = new();

    private Mqtt.MqttLinkState[] _mqttLinks = [];

    /// <summary>The MQTT sinks' links (connection state and message counts) for health, /metrics and status.</summary>
    public IReadOnlyList<Mqtt.MqttLinkState> MqttLinks => Volatile.Read(ref _mqttLinks);

    /// <summary>Reports an MQTT sink's link here, and counts each message it loses in sink_errors.</summary>
    internal void Attach(Mqtt.MqttLinkState link)
    {
        link.OnLost = n => Interlocked.Add(ref SinkErrors, n);
        Volatile.Write(ref _mqttLinks, [.. _mqttLinks, link]); // while the pipeline is built, before anything reads it
    }

    internal void Add(ref long counter, long value) => Interlocked.Add(ref counter, value);
    internal void Reject(RejectReason reason) => Interlocked.Increment(ref Rejected[(int)reason]);

    /// <summary>A record refused under <paramref name="reason"/>: its bytes go to <c>bytes_rejected</c>.</summary>
    internal void Reject(RejectReason reason, long bytes)
    {
        Interlocked.Increment(ref Rejected[(int)reason]);
        if (bytes > 0) Interlocked.Add(ref BytesRejected, bytes);
    }

    /// <summary>More bytes of a record already counted under its reason (the rest of an over-long line, read later).</summary>
    internal void RejectedMore(long bytes) => Interlocked.Add(ref BytesRejected, bytes);

    /// <summary>Bytes of records the decoders understood (samples, headers, comments, blank lines).</summary>
    internal void Understood(long bytes) => Interlocked.Add(ref BytesDecoded, bytes);

    /// <summary>
    /// A record (line or frame) of a stream of another gateway's partition, set aside unread: its
    /// samples go to <c>other_partition</c>, its bytes to <c>bytes_other_partition</c>.
    /// </summary>
    internal void OtherPartition(long samples, long bytes)
    {
        Interlocked.Add(ref OtherPartitionSamples, samples);
        Interlocked.Add(ref OtherPartitionBytes, bytes);
    }

    /// <summary>Samples of streams of other gateways' partitions, never decoded nor classified (docs/operations.md).</summary>
    public long OtherPartitionCount => Volatile.Read(ref OtherPartitionSamples);
    /// <summary>Bytes of those samples' records; with decoded, rejected and garbage bytes they sum to the bytes received.</summary>
    public long OtherPartitionByteCount => Volatile.Read(ref OtherPartitionBytes);

    public long Received => Volatile.Read(ref BytesReceived);
    public long Decoded => Volatile.Read(ref SamplesDecoded);
    public long Accepted => Volatile.Read(ref SamplesAccepted);
    public long Classified => Volatile.Read(ref SamplesClassified);
    public long Emitted => Volatile.Read(ref Classifications);
    public long Written => Volatile.Read(ref LinesWritten);
    public long Outages => Volatile.Read(ref SourceOutages);
    public long Reopens => Volatile.Read(ref SourceReopens);
    public long StreamSessions => Volatile.Read(ref Sessions);
    /// <summary>State resets at gaps in frame sequence numbers (lost or spoiled frames).</summary>
    public long GapResets => Volatile.Read(ref ResetsGap);
    /// <summary>Bytes skipped by the decoders while looking for a frame or line (line noise, garbage).</summary>
    public long SkippedBytes => Volatile.Read(ref GarbageBytes);
    /// <summary>
    /// Bytes allocated inside the per-sample stage code (decoding, classifying, formatting, writing),
    /// measured with the allocating thread's own counter around each synchronous section: the
    /// figure that must stay flat in steady state, unaffected by runtime housekeeping on other threads.
    /// </summary>
    public long StageAllocatedBytes => Volatile.Read(ref StageAllocated);

    /// <summary>Batched steps (one lane group's call) and the samples they stepped: samples / calls is the mean batch (docs/batching.md).</summary>
    public long BatchedCalls => Volatile.Read(ref BatchCalls);
    public long BatchedSampleCount => Volatile.Read(ref BatchedSamples);

    internal void AddStageAllocation(long since)
    {
        long bytes = GC.GetAllocatedBytesForCurrentThread() - since;
        if (bytes != 0) Interlocked.Add(ref StageAllocated, bytes);
    }

    public long RejectedBy(RejectReason reason) => Volatile.Read(ref Rejected[(int)reason]);
    public long RejectedTotal { get { long s = 0; for (int i = 0; i < Rejected.Length; i++) s += Volatile.Read(ref Rejected[i]); return s; } }
    public long Dropped => Volatile.Read(ref DroppedInput) + Volatile.Read(ref DroppedOutput) + Volatile.Read(ref DroppedAtStop);

    /// <summary>Bytes of understood records, of rejected records, and skipped as garbage (docs/pipeline.md, accounting); with <see cref="OtherPartitionByteCount"/> they sum to <see cref="Received"/>.</summary>
    public long DecodedBytes => Volatile.Read(ref BytesDecoded);
    public long RejectedBytes => Volatile.Read(ref BytesRejected);

    /// <summary>Samples dropped at the input queue (full-mode) and refused at the stop.</summary>
    public long DroppedAtInput => Volatile.Read(ref DroppedInput);
    public long DroppedAfterStop => Volatile.Read(ref DroppedAtStop);

    /// <summary>Classifications dropped at the output queue (full-mode).</summary>
    public long DroppedAtOutput => Volatile.Read(ref DroppedOutput);

    /// <summary>
    /// Output progress, for the watchdog: moves whenever the classifier stage consumes samples or
    /// the sinks are handed lines. Bytes arriving or samples dropped are not progress: a pipeline
    /// whose output is stuck while its input overflows is stalled (docs/operations.md).
    /// </summary>
    public long Progress => Classified + Written;

    /// <summary>All counters as properties of the object being written (snake_case names).</summary>
    public void WriteProperties(Utf8JsonWriter w)
    {
        w.WriteNumber("bytes_received", Received);
        w.WriteNumber("bytes_decoded", DecodedBytes);
        w.WriteNumber("bytes_rejected", RejectedBytes);
        w.WriteNumber("bytes_other_partition", OtherPartitionByteCount);
        w.WriteNumber("lines_or_frames_decoded", Volatile.Read(ref LinesOrFramesDecoded));
        w.WriteNumber("samples_decoded", Decoded);
        w.WriteNumber("samples_accepted", Accepted);
        w.WriteNumber("other_partition", OtherPartitionCount);
        w.WriteNumber("samples_classified", Classified);
        w.WriteNumber("classifications", Emitted);
        w.WriteNumber("lines_written", Written);
        w.WriteStartObject("rejected");
        for (int i = 0; i < RejectReasons.Count; i++) w.WriteNumber(RejectReasons.Names[i], Volatile.Read(ref Rejected[i]));
        w.WriteEndObject();
        w.WriteNumber("rejected_total", RejectedTotal);
        w.WriteNumber("garbage_bytes", Volatile.Read(ref GarbageBytes));
        w.WriteStartObject("dropped");
        w.WriteNumber("input", Volatile.Read(ref DroppedInput));
        w.WriteNumber("output", Volatile.Read(ref DroppedOutput));
        w.WriteNumber("at_stop", Volatile.Read(ref DroppedAtStop));
        w.WriteEndObject();
        w.WriteNumber("unmapped_samples", Volatile.Read(ref UnmappedSamples));
        w.WriteNumber("sessions", StreamSessions);
        w.WriteStartObject("batched");
        w.WriteNumber("calls", BatchedCalls);
        w.WriteNumber("samples", BatchedSampleCount);
        w.WriteEndObject();
        w.WriteStartObject("resets");
        w.WriteNumber("gap", Volatile.Read(ref ResetsGap));
        w.WriteNumber("drop", Volatile.Read(ref ResetsDrop));
        w.WriteNumber("timeout", Volatile.Read(ref ResetsTimeout));
        w.WriteNumber("every", Volatile.Read(ref ResetsEvery));
        w.WriteEndObject();
        w.WriteNumber("source_outages", Outages);
        w.WriteNumber("source_reopens", Reopens);
        w.WriteNumber("connections_accepted", Volatile.Read(ref ConnectionsAccepted));
        w.WriteNumber("connections_refused", Volatile.Read(ref ConnectionsRefused));
        w.WriteNumber("sink_errors", Volatile.Read(ref SinkErrors));
        w.WriteNumber("rate_warnings", Volatile.Read(ref RateWarnings));
        w.WriteNumber("stage_allocated_bytes", StageAllocatedBytes);
        w.WriteStartObject("latency_us");
        w.WriteNumber("count", Latency.Count);
        w.WriteNumber("p50", Math.Round(Latency.QuantileMicroseconds(0.5), 1));
        w.WriteNumber("p99", Math.Round(Latency.QuantileMicroseconds(0.99), 1));
        w.WriteNumber("max", Math.Round(Latency.MaxMicroseconds, 1));
        w.WriteEndObject();
    }
}
