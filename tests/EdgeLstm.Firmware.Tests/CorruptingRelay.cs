namespace EdgeLstm.Firmware.Tests;

/// <summary>
/// Copies the firmware's frame stream from the emulator's UART to another terminal, spoiling it on
/// the way as a noisy line would: one payload byte inverted in every 50th frame (from frame 25),
/// and before every 70th frame (from frame 35) a burst of garbage that begins like a frame.
/// </summary>
internal sealed class CorruptingRelay : IDisposable
{
    public const int FrameSize = 40;
    private static readonly byte[] Garbage = [0xA5, 0x5A, 0x01, 0x01, 0x13, 0xA5, 0x00, 0x5A];

    private readonly FileStream _from, _to;
    private readonly Thread _thread;
    private long _position;

    public CorruptingRelay(string fromTerminal, string toTerminal)
    {
        _from = new FileStream(fromTerminal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        _to = new FileStream(toTerminal, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        _thread = new Thread(Run) { IsBackground = true, Name = "corrupting-relay" };
        _thread.Start();
    }

    public static bool IsCorrupted(long frame) => frame % 50 == 25;

    public static bool HasGarbageBefore(long frame) => frame % 70 == 35;

    public static int CorruptedAmong(int frames) => Enumerable.Range(0, frames).Count(f => IsCorrupted(f));

    public static int GarbageBytesAmong(int frames) => Enumerable.Range(0, frames).Count(f => HasGarbageBefore(f)) * Garbage.Length;

    public long BytesRelayed => Interlocked.Read(ref _position);

    private void Run()
    {
        var buffer = new byte[4096];
        var output = new List<byte>(8192);
        try
        {
            int n;
            while ((n = _from.Read(buffer, 0, buffer.Length)) > 0)
            {
                output.Clear();
                for (int i = 0; i < n; i++)
                {
                    long at = _position + i, frame = at / FrameSize;
                    int within = (int)(at % FrameSize);
                    if (within == 0 && HasGarbageBefore(frame)) output.AddRange(Garbage);
                    output.Add(within == 30 && IsCorrupted(frame) ? (byte)~buffer[i] : buffer[i]);
                }
                _to.Write(output.ToArray());
                _to.Flush();
                Interlocked.Add(ref _position, n);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The emulator or socat went away: the test is over.
        }
    }

    public void Dispose()
    {
        _thread.Join(TimeSpan.FromSeconds(10));
        _from.Dispose();
        _to.Dispose();
    }
}
