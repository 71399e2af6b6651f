namespace EdgeLstm.Firmware.Tests;

/// <summary>
/// arduino-uno-imu.ino builds as an Arduino IDE sketch: arduino-builder (the IDE's build engine)
/// with the Arduino AVR core, board "Arduino Uno", the same C sources from src/.
/// </summary>
public class ArduinoSketchTests
{
    [Fact]
    public void Sketch_builds_for_the_uno_with_the_arduino_core()
    {
        string work = Directory.CreateTempSubdirectory("edgelstm-sketch").FullName;
        try
        {
            // A copy without build/: arduino-builder compiles everything under the sketch folder.
            string sketch = Path.Combine(work, "arduino-uno-imu");
            Directory.CreateDirectory(Path.Combine(sketch, "src"));
            File.Copy(Path.Combine(RepoPaths.UnoFirmware, "arduino-uno-imu.ino"), Path.Combine(sketch, "arduino-uno-imu.ino"));
            foreach (var f in Directory.GetFiles(Path.Combine(RepoPaths.UnoFirmware, "src")))
                File.Copy(f, Path.Combine(sketch, "src", Path.GetFileName(f)));
            string build = Path.Combine(work, "build");
            Directory.CreateDirectory(build);

            var result = RepoPaths.RunTool("arduino-builder", [
                "-compile", "-hardware", "/usr/share/arduino/hardware", "-tools", "/usr/bin", "-fqbn", "arduino:avr:uno",
                "-build-path", build,
                // Debian's packages leave the tool paths to the IDE; give them here.
                "-prefs", "compiler.path=/usr/bin/",
                "-prefs", "tools.ctags.path=/usr/bin", "-prefs", "tools.ctags.cmd.path=/usr/bin/arduino-ctags",
                "-prefs", "tools.ctags.pattern=\"{cmd.path}\" -u --language-force=c++ -f - --c++-kinds=svpf --fields=KSTtzns --line-directives \"{source_file}\"",
                // Debian's core (1.8) expects a newer avr-gcc than Debian's 5.4, whose <float.h> hides
                // DECIMAL_DIG from C++11: the core's WString.cpp needs it, the sketch does not.
                "-prefs", "compiler.cpp.extra_flags=-DDECIMAL_DIG=17",
                Path.Combine(sketch, "arduino-uno-imu.ino")], work);
            Assert.True(result.ExitCode == 0, result.Output);
            string elf = Path.Combine(build, "arduino-uno-imu.ino.elf");
            var (flash, ram) = FirmwareBuild.MeasureSize(elf);
            Assert.InRange(flash, 1, FirmwareBuild.FlashBytes - FirmwareBuild.BootloaderBytes);
            Assert.InRange(ram, 0, FirmwareBuild.RamBytes);
            // The firmware's Timer1 interrupt made it in, beside the core's Timer0 one (millis).
            var symbols = RepoPaths.RunTool("avr-nm", [elf]).StdOut;
            Assert.Contains(" T __vector_11", symbols, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
