using EdgeLstm.Daemon.Counters;

namespace EdgeLstm.Daemon.Tests.Faults;

/// <summary>
/// The accounting invariant of docs/pipeline.md, asserted on a stopped pipeline: every byte read
/// was decoded, rejected, skipped as garbage or set aside as another partition's; every sample decoded was accepted; every sample
/// accepted was classified or dropped (by a full queue, or at the stop).
/// </summary>
internal static class Accounting
{
    public static void AssertBalanced(PipelineCounters c, string context = "")
    {
        string Where() => $"{context}: received {c.Received} = decoded {c.DecodedBytes} + rejected {c.RejectedBytes} + garbage {c.SkippedBytes} + other partition {c.OtherPartitionByteCount}; " +
                          $"samples decoded {c.Decoded}, accepted {c.Accepted}, classified {c.Classified}, dropped at input {c.DroppedAtInput}, at stop {c.DroppedAfterStop}";
        Assert.True(c.Received == c.DecodedBytes + c.RejectedBytes + c.SkippedBytes + c.OtherPartitionByteCount, "bytes: " + Where());
        Assert.True(c.Decoded == c.Accepted, "decoded = accepted: " + Where());
        Assert.True(c.Accepted == c.Classified + c.DroppedAtInput + c.DroppedAfterStop, "accepted = classified + dropped: " + Where());
    }
}
