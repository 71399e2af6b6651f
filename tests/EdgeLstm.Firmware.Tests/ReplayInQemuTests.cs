using System.Diagnostics;
using Xunit.Abstractions;

namespace EdgeLstm.Firmware.Tests;

/// <summary>
/// The REPLAY firmware, built with avr-gcc, runs in qemu-system-avr -M uno; the host reads its
/// UART from the pseudo-terminal and checks that the stream is exactly the excerpt recording.
/// QEMU's AVR timer follows the host clock (its -icount mode aborts on the timer's clock reads),
/// so a run takes the excerpt's real duration: 2,100 samples at 50 Hz, 42 s.
/// </summary>
[Collection(QemuCollection.Name)]
public class ReplayInQemuTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    [Fact]
    public void Text_replay_streams_the_excerpt_exactly_at_50_hz()
    {
        var excerpt = ExcerptRecording.Load(RepoPaths.ExcerptCounts);
        var image = FirmwareBuild.Replay("text");
        using var uno = EmulatedUno.StartPaused(image.ElfPath);
        var uart = uno.OpenUart();
        var clock = Stopwatch.StartNew();
        uno.Resume();

        bool complete = uart.WaitUntil(b => TextStream.CompleteLines(b).Count >= excerpt.Length + 1, Patience);
        var elapsed = clock.Elapsed;
        var lines = TextStream.CompleteLines(uart.Received());
        Assert.True(complete, $"{lines.Count} of {excerpt.Length + 1} lines in {Patience}; qemu: {uno.QemuOutput}");

        Assert.Equal(string.Join(',', ExcerptRecording.ImuChannels), lines[0]);
        for (int t = 0; t < excerpt.Length; t++)
            Assert.Equal(excerpt.Counts[t], TextStream.ParseSample(lines[1 + t]));

        // The default REPLAY build stops after the excerpt: nothing follows within 100 sample periods.
        int bytes = uart.Received().Length;
        Thread.Sleep(TimeSpan.FromSeconds(2));
        Assert.Equal(bytes, uart.Received().Length);

        // Timer1 paces the stream: emulated time follows the host's, so 2,100 samples cannot
        // arrive in less than ~42 s (a loaded host only makes it slower).
        double minimum = 0.95 * excerpt.Length / 50.0;
        Assert.True(elapsed.TotalSeconds >= minimum, $"{excerpt.Length} samples in {elapsed.TotalSeconds:F1} s: faster than 50 Hz");
        output.WriteLine($"{excerpt.Length} samples, {bytes} bytes in {elapsed.TotalSeconds:F1} s " +
                         $"({excerpt.Length / elapsed.TotalSeconds:F2} samples/s); firmware flash {image.FlashBytes} B, RAM {image.RamBytes} B");
    }

    [Fact]
    public void Binary_replay_sends_the_excerpt_in_valid_frames_at_50_hz()
    {
        var excerpt = ExcerptRecording.Load(RepoPaths.ExcerptCounts);
        var image = FirmwareBuild.Replay("binary");
        using var uno = EmulatedUno.StartPaused(image.ElfPath);
        var uart = uno.OpenUart();
        var clock = Stopwatch.StartNew();
        uno.Resume();

        bool complete = uart.WaitUntil(b => FrameStream.Read(b).Frames.Count >= excerpt.Length, Patience);
        var elapsed = clock.Elapsed;
        var (frames, checksumErrors, consumed) = FrameStream.Read(uart.Received());
        Assert.True(complete, $"{frames.Count} of {excerpt.Length} frames in {Patience}; qemu: {uno.QemuOutput}");

        Assert.Equal(0, checksumErrors);
        Assert.Equal(excerpt.Length, frames.Count);
        const uint interval = 20_000; // microseconds at 50 Hz
        for (int t = 0; t < excerpt.Length; t++)
        {
            var f = frames[t];
            Assert.Equal((1, 1, 1, 6, 1), ((int)f.Version, (int)f.Format, (int)f.StreamId, (int)f.Channels, (int)f.Samples));
            Assert.Equal((uint)t, f.Sequence);
            Assert.Equal((ulong)(t + 1) * interval, f.TimestampMicros);
            Assert.Equal(interval, f.IntervalMicros);
            Assert.Equal(excerpt.Counts[t], f.Values);
        }

        // Stops after the excerpt: no byte beyond the last frame, then or 100 sample periods later.
        Thread.Sleep(TimeSpan.FromSeconds(2));
        Assert.Equal(consumed, uart.Received().Length);

        double minimum = 0.95 * excerpt.Length / 50.0;
        Assert.True(elapsed.TotalSeconds >= minimum, $"{excerpt.Length} samples in {elapsed.TotalSeconds:F1} s: faster than 50 Hz");
        output.WriteLine($"{excerpt.Length} frames, {consumed} bytes, 0 checksum errors in {elapsed.TotalSeconds:F1} s " +
                         $"({excerpt.Length / elapsed.TotalSeconds:F2} samples/s); firmware flash {image.FlashBytes} B, RAM {image.RamBytes} B");
    }
}
