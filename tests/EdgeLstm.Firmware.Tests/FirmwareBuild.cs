using System.Collections.Concurrent;
using System.Globalization;

namespace EdgeLstm.Firmware.Tests;

/// <summary>One build of the Uno firmware: its ELF and what it occupies of the ATmega328P.</summary>
internal sealed record FirmwareImage(string ElfPath, int FlashBytes, int RamBytes, string BuildOutput);

/// <summary>
/// Builds the Uno firmware with its own Makefile (avr-gcc), each variant once per test run,
/// into a temporary build directory so the tests never touch a developer's build/.
/// </summary>
internal static class FirmwareBuild
{
    public const int FlashBytes = 32 * 1024, BootloaderBytes = 512, RamBytes = 2 * 1024;

    private static readonly string BuildRoot = Directory.CreateTempSubdirectory("edgelstm-firmware-build").FullName;
    private static readonly ConcurrentDictionary<(bool Replay, string Protocol), Lazy<FirmwareImage>> Images = new();

    public static FirmwareImage Replay(string protocol) => Get(true, protocol);

    public static FirmwareImage Sensor(string protocol) => Get(false, protocol);

    private static FirmwareImage Get(bool replay, string protocol) =>
        Images.GetOrAdd((replay, protocol), key => new Lazy<FirmwareImage>(() => Build(key.Replay, key.Protocol))).Value;

    private static FirmwareImage Build(bool replay, string protocol)
    {
        var make = RepoPaths.RunTool("make", ["-C", RepoPaths.UnoFirmware, replay ? "replay" : "sensor",
            $"PROTOCOL={protocol}", $"BUILD_DIR={BuildRoot}"]);
        Assert.True(make.ExitCode == 0, $"make failed:\n{make.Output}");
        string elf = Path.Combine(BuildRoot, $"{(replay ? "replay" : "sensor")}-{protocol}", "firmware.elf");
        var (flash, ram) = MeasureSize(elf);
        return new FirmwareImage(elf, flash, ram, make.Output);
    }

    /// <summary>Flash = .text + .data (RAM's initial values live in flash); RAM = .data + .bss + .noinit.</summary>
    public static (int Flash, int Ram) MeasureSize(string elf)
    {
        var size = RepoPaths.RunTool("avr-size", ["-A", elf]);
        Assert.Equal(0, size.ExitCode);
        var sections = new Dictionary<string, int>();
        foreach (var line in size.StdOut.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2 && fields[0].StartsWith('.') && int.TryParse(fields[1], CultureInfo.InvariantCulture, out int bytes))
                sections[fields[0]] = bytes;
        }
        int Section(string name) => sections.GetValueOrDefault(name);
        return (Section(".text") + Section(".data"), Section(".data") + Section(".bss") + Section(".noinit"));
    }
}
