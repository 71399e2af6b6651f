using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Sources;

namespace EdgeLstm.Daemon.Tests.Faults;

/// <summary>
/// The data path as the field tries it (issue 14): for every source type and format, garbage
/// before, inside and after valid data, boot banners and resets, and every allowed frame size in
/// both sample formats. Each case asserts the accounting invariant and that every valid sample
/// after a fault was classified.
/// </summary>
public class DataPathFaultTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>
    /// Runs the scenario; over a pty, a run whose bytes did not all arrive is tried once more and
    /// the first failure reported in the test's output. The bytes are the same every time, so a
    /// decoder or pump fault fails both runs; what the retry absorbs is the pty pair itself under a
    /// loaded machine (seen once in a loaded full run: bytes short, cause outside the daemon not yet found).
    /// </summary>
    private async Task<(PipelineCounters Counters, List<string> Log)> RunAsync(TransportKind kind, FaultScenario scenario)
    {
        try
        {
            return await Transport.RunAsync(kind, scenario);
        }
        catch (TimeoutException e) when (kind == TransportKind.Serial)
        {
            output.WriteLine($"{kind} {scenario}: first run failed, trying once more: {e.Message}");
            return await Transport.RunAsync(kind, scenario);
        }
    }

    public static TheoryData<TransportKind, string> TextCases()
    {
        var data = new TheoryData<TransportKind, string>();
        foreach (var kind in Enum.GetValues<TransportKind>())
            foreach (var s in FaultScenario.Text()) data.Add(kind, s.Name);
        return data;
    }

    public static TheoryData<TransportKind> Transports() => new(Enum.GetValues<TransportKind>());

    [Theory]
    [MemberData(nameof(TextCases))]
    public async Task Text_faults_are_counted_and_every_valid_line_is_classified(TransportKind kind, string name)
    {
        var scenario = FaultScenario.Text().Single(s => s.Name == name);
        var (c, log) = await RunAsync(kind, scenario);
        Accounting.AssertBalanced(c, $"{kind} {name}");
        Assert.True(scenario.ValidSamples == c.Classified, $"{kind} {name}: {c.Classified} of {scenario.ValidSamples} valid samples classified; log: {string.Join(" | ", log)}");
        Assert.True(c.RejectedTotal > 0, "the faults were counted");
        // Every reason rejected is logged once, naming the source.
        for (int r = 0; r < RejectReasons.Count; r++)
            if (c.RejectedBy((RejectReason)r) > 0)
                Assert.Contains(log, l => l.Contains($"({RejectReasons.Names[r]})", StringComparison.Ordinal) && l.StartsWith("source 'faults'", StringComparison.Ordinal));
    }

    /// <summary>Every frame size 1 to 32 in int16 and float32 over one transport per case (64 scenarios each).</summary>
    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Frames_of_every_allowed_size_survive_garbage_and_are_all_classified(TransportKind kind)
    {
        foreach (var scenario in FaultScenario.Binary())
        {
            var (c, log) = await RunAsync(kind, scenario);
            Accounting.AssertBalanced(c, $"{kind} {scenario}");
            Assert.True(scenario.ValidSamples == c.Classified, $"{kind} {scenario}: {c.Classified} of {scenario.ValidSamples} valid samples classified; log: {string.Join(" | ", log)}");
            Assert.True(c.RejectedBy(RejectReason.BadChecksum) >= 1 && c.RejectedBy(RejectReason.BadFrameHeader) >= 1, $"{kind} {scenario}: faults counted");
        }
    }
}
