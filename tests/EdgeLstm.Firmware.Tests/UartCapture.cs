namespace EdgeLstm.Firmware.Tests;

/// <summary>
/// Collects every byte the firmware's UART sends, read on a thread of its own from the
/// host side of the pseudo-terminal (which QEMU leaves in raw mode). The read ends when QEMU
/// closes the terminal's other side; dispose after the emulator.
/// </summary>
internal sealed class UartCapture : IDisposable
{
    private readonly FileStream _terminal;
    private readonly Thread _reader;
    private readonly MemoryStream _received = new();

    public UartCapture(string ptyPath)
    {
        _terminal = new FileStream(ptyPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        _reader = new Thread(ReadAll) { IsBackground = true, Name = "uart-capture" };
        _reader.Start();
    }

    public byte[] Received()
    {
        lock (_received) return _received.ToArray();
    }

    /// <summary>Waits until <paramref name="done"/> holds for the bytes so far; false on timeout.</summary>
    public bool WaitUntil(Func<byte[], bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (done(Received())) return true;
            Thread.Sleep(100);
        }
        return done(Received());
    }

    private void ReadAll()
    {
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = _terminal.Read(buffer, 0, buffer.Length)) > 0)
            {
                lock (_received) _received.Write(buffer, 0, n);
            }
        }
        catch (IOException)
        {
            // EIO: the emulator closed the terminal.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _reader.Join(TimeSpan.FromSeconds(10));
        _terminal.Dispose();
    }
}
