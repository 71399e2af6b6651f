using System.Diagnostics;
using Xunit.Abstractions;

namespace EdgeLstm.Firmware.Tests;

/// <summary>
/// The whole chain: the REPLAY firmware in qemu-system-avr, its UART a pseudo-terminal that
/// `edgelstm run` reads as a serial port, counts scaled to g and rad/s by the daemon's channel
/// configuration. The live classifications must equal those of the same daemon reading the
/// excerpt recording from its file (`edgelstm replay` has no channel scaling to give it, so the
/// reference is `run` with a file source: the same pipeline replay uses).
/// </summary>
[Collection(QemuCollection.Name)]
public class FirmwareInTheLoopTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    /// <summary>The file-source run of the excerpt: the classifications every live path must reproduce.</summary>
    internal static readonly Lazy<(List<string> Lines, string Dir)> Reference = new(() =>
    {
        string dir = Directory.CreateTempSubdirectory("edgelstm-fil-reference").FullName;
        using var daemon = new DaemonProcess("run", "--config", DaemonConfig.FileSource(dir, RepoPaths.ExcerptCounts), "--summary");
        daemon.WaitFor(lines => lines.Any(l => l.Contains("\"summary\":true", StringComparison.Ordinal)), Patience);
        return (DaemonOutput.Decisions(daemon.StdOut), dir);
    });

    /// <summary>
    /// The reference itself equals `edgelstm replay` of the excerpt in g and rad/s: the counts
    /// scaled by the same float32 products the channel map computes, printed round-trip.
    /// </summary>
    [Fact]
    public void Reference_equals_replay_of_the_excerpt_in_model_units()
    {
        var excerpt = ExcerptRecording.Load(RepoPaths.ExcerptCounts);
        float[] scales = [.. Enumerable.Range(0, 6).Select(c => (float)(c < 3 ? 1.0 / 8192 : Math.PI / (180 * 65.5)))];
        string dir = Directory.CreateTempSubdirectory("edgelstm-fil-units").FullName;
        string csv = Path.Combine(dir, "excerpt-units.csv");
        var lines = new List<string> { "time,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z,label" };
        for (int t = 0; t < excerpt.Length; t++)
            lines.Add($"{excerpt.Times[t]},{string.Join(',', excerpt.Counts[t].Select((v, c) => (v * scales[c] + 0f).ToString("R", System.Globalization.CultureInfo.InvariantCulture)))},{excerpt.Labels[t]}");
        File.WriteAllLines(csv, lines);

        using var replay = new DaemonProcess(["replay", csv, "--model", TestModel.Path, "--max-speed", "--emit", "hop", "--hop", "1"]);
        Assert.True(replay.WaitFor(_ => replay.HasExited, Patience), replay.ErrorText);
        Assert.Equal(Reference.Value.Lines, DaemonOutput.Decisions(replay.StdOut));
    }

    [Theory]
    [InlineData("binary")]
    [InlineData("text")]
    public void Live_firmware_through_edgelstm_run_classifies_exactly_as_its_recording(string protocol)
    {
        var excerpt = ExcerptRecording.Load(RepoPaths.ExcerptCounts);
        var expected = Reference.Value.Lines;
        Assert.Equal(excerpt.Length, expected.Count);

        var image = FirmwareBuild.Replay(protocol);
        string dir = Directory.CreateTempSubdirectory("edgelstm-fil").FullName;
        using var uno = EmulatedUno.StartPaused(image.ElfPath);
        using var daemon = new DaemonProcess("run", "--config", DaemonConfig.SerialSource(dir, uno.PtyPath, protocol), "--summary");
        daemon.WaitUntilOpen(uno.PtyPath, TimeSpan.FromMinutes(1));
        var clock = Stopwatch.StartNew();
        uno.Resume();

        bool complete = daemon.WaitFor(lines => DaemonOutput.Decisions(lines).Count >= excerpt.Length, Patience);
        var elapsed = clock.Elapsed;
        Assert.True(complete, $"{DaemonOutput.Decisions(daemon.StdOut).Count} of {excerpt.Length} classifications; {daemon.ErrorText}");
        Thread.Sleep(500);
        Assert.Equal(0, daemon.Stop());

        var live = DaemonOutput.Decisions(daemon.StdOut);
        Assert.Equal(expected, live);
        var summary = DaemonOutput.Summary(daemon.StdOut);
        Assert.Equal(excerpt.Length, summary.GetProperty("samples_decoded").GetInt64());
        Assert.Equal(0, summary.GetProperty("rejected_total").GetInt64()); // zero checksum errors among them
        Assert.Equal(0, summary.GetProperty("garbage_bytes").GetInt64());
        Assert.Equal(0, summary.GetProperty("resets").GetProperty("gap").GetInt64());
        output.WriteLine($"{protocol}: {live.Count} classifications equal to the recording's, {elapsed.TotalSeconds:F1} s in the loop");
    }

    [Fact]
    public void Corrupted_frames_between_firmware_and_daemon_are_skipped_and_every_intact_frame_is_found()
    {
        var excerpt = ExcerptRecording.Load(RepoPaths.ExcerptCounts);
        int corrupted = CorruptingRelay.CorruptedAmong(excerpt.Length);
        int intact = excerpt.Length - corrupted;
        var image = FirmwareBuild.Replay("binary");
        string dir = Directory.CreateTempSubdirectory("edgelstm-fil-noise").FullName;

        using var line = PtyPair.In(dir);
        var uno = EmulatedUno.StartPaused(image.ElfPath);
        var relay = new CorruptingRelay(uno.PtyPath, line.FeedPath);
        try
        {
            using var daemon = new DaemonProcess("run", "--config", DaemonConfig.SerialSource(dir, line.DevicePath, "binary"), "--summary");
            daemon.WaitUntilOpen(line.DeviceTerminal, TimeSpan.FromMinutes(1));
            uno.Resume();

            bool complete = daemon.WaitFor(lines => DaemonOutput.Decisions(lines).Count >= intact, Patience);
            Assert.True(complete, $"{DaemonOutput.Decisions(daemon.StdOut).Count} of {intact} classifications; {daemon.ErrorText}");
            Thread.Sleep(1000);
            Assert.Equal(0, daemon.Stop());

            var summary = DaemonOutput.Summary(daemon.StdOut);
            Assert.Equal(excerpt.Length * CorruptingRelay.FrameSize, relay.BytesRelayed);
            // Every intact frame decoded, none of the spoiled ones.
            Assert.Equal(intact, summary.GetProperty("samples_decoded").GetInt64());
            Assert.Equal(intact, DaemonOutput.Decisions(daemon.StdOut).Count);
            var rejected = summary.GetProperty("rejected");
            Assert.True(rejected.GetProperty("bad_checksum").GetInt64() >= corrupted);
            Assert.True(rejected.GetProperty("garbage").GetInt64() > 0);
            // Each spoiled frame leaves a gap in the sequence numbers; the stream's state is reset there.
            Assert.Equal(corrupted, summary.GetProperty("resets").GetProperty("gap").GetInt64());

            // Up to the first spoiled frame, the live classifications are the recording's.
            var first = DaemonOutput.Decisions(daemon.StdOut).Take(25);
            Assert.Equal(Reference.Value.Lines.Take(25), first);
            output.WriteLine($"{corrupted} frames spoiled, {CorruptingRelay.GarbageBytesAmong(excerpt.Length)} garbage bytes inserted; " +
                             $"{intact} samples decoded; rejected: {rejected}");
        }
        finally
        {
            uno.Dispose();   // first: QEMU's exit ends the relay's read
            relay.Dispose();
        }
    }
}

/// <summary>Tests that run qemu-system-avr share one collection, so one emulated Uno spins at a time.</summary>
[CollectionDefinition(Name)]
public class QemuCollection
{
    public const string Name = "qemu-system-avr";
}
