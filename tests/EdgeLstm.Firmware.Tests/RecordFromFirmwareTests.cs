using Xunit.Abstractions;

namespace EdgeLstm.Firmware.Tests;

/// <summary>
/// Issue 7's `record` acceptance with the real firmware: the REPLAY firmware in qemu-system-avr
/// streams raw counts over its UART (a pty); `edgelstm record --config` with the shipped firmware
/// configuration captures them in model units while classifying live; `edgelstm replay` of the
/// recording must give exactly the live classifications, which are the excerpt's reference ones.
/// </summary>
[Collection(QemuCollection.Name)]
public class RecordFromFirmwareTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private const int Samples = 250; // 5 s of the firmware's 50 Hz

    [Fact]
    public void Recording_the_emulated_firmware_replays_to_its_live_classifications()
    {
        var image = FirmwareBuild.Replay("binary");
        var reference = FirmwareInTheLoopTests.Reference.Value.Lines.Take(Samples).ToList();
        string dir = Directory.CreateTempSubdirectory("edgelstm-fil-record").FullName;
        string csv = Path.Combine(dir, "uno.csv");

        using var uno = EmulatedUno.StartPaused(image.ElfPath);
        List<string> live;
        using (var recorder = new DaemonProcess(["record", "--config", DaemonConfig.SerialSource(dir, uno.PtyPath, "binary"), "-o", csv,
                                              "--samples", $"{Samples}", "--classify", "--label", "demo"]))
        {
            recorder.WaitUntilOpen(uno.PtyPath, TimeSpan.FromMinutes(1));
            uno.Resume();
            Assert.True(recorder.WaitFor(_ => recorder.HasExited, Patience), recorder.ErrorText);
            live = DaemonOutput.Decisions(recorder.StdOut);
            Assert.Contains($"recorded {Samples} samples", recorder.ErrorText, StringComparison.Ordinal);
        }
        Assert.Equal(reference, live);

        var rows = File.ReadAllLines(csv);
        Assert.Equal("time,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z,label", rows[0]);
        Assert.Equal(Samples + 1, rows.Length);
        Assert.All(rows.Skip(1), r => Assert.EndsWith(",demo", r, StringComparison.Ordinal));

        using var replay = new DaemonProcess(["replay", csv, "--model", TestModel.Path, "--max-speed", "--emit", "hop", "--hop", "1"]);
        Assert.True(replay.WaitFor(_ => replay.HasExited, Patience), replay.ErrorText);
        Assert.Equal(live, DaemonOutput.Decisions(replay.StdOut));
        output.WriteLine($"{Samples} samples recorded from the emulated Uno; replay equals the live classifications");
    }
}
