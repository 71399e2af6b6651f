namespace EdgeLstm.Firmware.Tests;

/// <summary>Every build fits the ATmega328P: 32 KB of flash (less the Uno's 512-byte bootloader) and 2 KB of RAM.</summary>
public class FirmwareSizeTests
{
    [Theory]
    [InlineData(true, "text")]
    [InlineData(true, "binary")]
    [InlineData(false, "text")]
    [InlineData(false, "binary")]
    public void Build_fits_the_atmega328p_and_prints_its_size(bool replay, string protocol)
    {
        var image = replay ? FirmwareBuild.Replay(protocol) : FirmwareBuild.Sensor(protocol);

        Assert.InRange(image.FlashBytes, 1, FirmwareBuild.FlashBytes - FirmwareBuild.BootloaderBytes);
        Assert.InRange(image.RamBytes, 0, FirmwareBuild.RamBytes);
        // The build states the same numbers it is judged by.
        Assert.Contains($"flash {image.FlashBytes} of 32768 bytes", image.BuildOutput, StringComparison.Ordinal);
        Assert.Contains($"RAM {image.RamBytes} of 2048 bytes", image.BuildOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_build_carries_the_whole_excerpt_in_flash()
    {
        var excerpt = ExcerptRecording.Load(RepoPaths.ExcerptCounts);
        var replay = FirmwareBuild.Replay("text");

        // 6 int16 per sample in program memory.
        Assert.True(replay.FlashBytes >= excerpt.Length * 12, $"replay {replay.FlashBytes} B, excerpt {excerpt.Length * 12} B");
        // PROGMEM: the excerpt takes no RAM.
        Assert.True(replay.RamBytes < 64, $"replay build uses {replay.RamBytes} B of static RAM");
    }
}
