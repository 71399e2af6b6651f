using System.IO.Ports;

namespace EdgeLstm.Daemon.Sinks;

/// <summary>
/// JSON lines out of a serial port (to a display or a PLC gateway). If the port vanishes, lines are
/// dropped (counted) and it is reopened with backoff on a later write. A peer that takes nothing
/// (a display that holds hardware flow control, a pty nobody reads) holds a write for at most
/// <see cref="WriteTimeout"/>; then lines are dropped until the next backoff delay has passed, so
/// it never stalls the pipeline or the other sinks. Each outage is logged once, and its end once.
/// </summary>
public sealed class SerialSink(string path, SerialSettings settings, Action<string> log) : ISink
{
    /// <summary>How long one write may wait for a peer that takes nothing.</summary>
    public static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(1);

    private readonly SinkOutage _outage = new($"serial:{path}", log, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
    private SerialPort? _port;

    public string Name => $"serial:{path}";

    public void Start() => TryOpen();

    public bool Write(in OutputBlock block)
    {
        if (_outage.Waiting) return false;
        if (_port is null && !TryOpen()) return false;
        try
        {
            _port!.BaseStream.Write(block.Lines);
            _outage.Up($"{path} takes lines again");
            return true;
        }
        catch (TimeoutException)
        {
            // The port is there but its peer takes nothing: keep it open, skip lines for a while.
            _outage.Down($"the peer took nothing for {WriteTimeout.TotalSeconds:F0} s (flow control held, or nobody reads)");
            return false;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            _outage.Down($"{e.Message}; reopening");
            _port?.Dispose();
            _port = null;
            return false;
        }
    }

    public void Flush()
    {
        try { _port?.BaseStream.Flush(); }
        catch (Exception e) when (e is IOException or InvalidOperationException or TimeoutException) { }
    }

    private bool TryOpen()
    {
        try
        {
            _port = settings.Open(path);
            _port.WriteTimeout = (int)WriteTimeout.TotalMilliseconds;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            _outage.Down($"cannot open {path}: {e.Message}");
            return false;
        }
    }

    public void Dispose() => _port?.Dispose();
}
