using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeLstm.Firmware.Tests;

/// <summary>
/// An Arduino Uno emulated by qemu-system-avr (-M uno) running a firmware ELF, its USART0 on a
/// pseudo-terminal (-serial pty). QEMU starts paused (-S) so that the host side can open the
/// terminal before the firmware's first byte, and runs on "cont" from its monitor socket.
/// Dispose kills QEMU (and waits for it) whatever state the test left it in.
/// </summary>
internal sealed partial class EmulatedUno : IDisposable
{
    private readonly Process _qemu;
    private readonly string _directory;
    private readonly StringBuilder _qemuOutput = new();
    private UartCapture? _uart;

    public string PtyPath { get; }

    private string MonitorSocket => Path.Combine(_directory, "monitor.sock");

    private EmulatedUno(string elf)
    {
        _directory = Directory.CreateTempSubdirectory("edgelstm-qemu-avr").FullName;
        var start = new ProcessStartInfo("qemu-system-avr")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-M", "uno", "-bios", elf, "-display", "none", "-S", "-serial", "pty",
                     "-monitor", $"unix:{MonitorSocket},server=on,wait=off" })
            start.ArgumentList.Add(a);
        _qemu = Process.Start(start)!;
        try
        {
            _qemu.ErrorDataReceived += (_, e) => { lock (_qemuOutput) _qemuOutput.AppendLine(e.Data); };
            _qemu.BeginErrorReadLine();
            PtyPath = ReadPtyPath();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Starts QEMU paused; open the UART, then <see cref="Resume"/>.</summary>
    public static EmulatedUno StartPaused(string elf) => new(elf);

    /// <summary>Opens the host side of the UART; it lives (and is disposed) with the emulator.</summary>
    public UartCapture OpenUart() => _uart ??= new UartCapture(PtyPath);

    public void Resume()
    {
        using var monitor = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                monitor.Connect(new UnixDomainSocketEndPoint(MonitorSocket));
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
        monitor.Send("cont\n"u8);
        // The monitor echoes the command line; reading it proves QEMU took it before we hang up.
        var reply = new StringBuilder();
        var buffer = new byte[256];
        monitor.ReceiveTimeout = 10_000;
        while (!reply.ToString().Contains("cont", StringComparison.Ordinal))
        {
            int n = monitor.Receive(buffer);
            if (n == 0) break;
            reply.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
    }

    public string QemuOutput
    {
        get { lock (_qemuOutput) return _qemuOutput.ToString(); }
    }

    // QEMU announces the terminal on stdout: "char device redirected to /dev/pts/3 (label serial0)".
    private string ReadPtyPath()
    {
        var line = _qemu.StandardOutput.ReadLineAsync();
        while (line.Wait(TimeSpan.FromSeconds(30)))
        {
            if (line.Result is null) break;
            var match = PtyAnnouncement().Match(line.Result);
            if (match.Success) return match.Groups[1].Value;
            line = _qemu.StandardOutput.ReadLineAsync();
        }
        throw new InvalidOperationException($"qemu-system-avr named no pseudo-terminal:\n{QemuOutput}");
    }

    [GeneratedRegex(@"char device redirected to (/dev/pts/\d+)")]
    private static partial Regex PtyAnnouncement();

    public void Dispose()
    {
        try
        {
            if (!_qemu.HasExited) _qemu.Kill(entireProcessTree: true);
            _qemu.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _qemu.Dispose();
        _uart?.Dispose(); // after QEMU: its exit ends the capture's read
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
