using System.Diagnostics;
using System.IO.Ports;
using EdgeLstm.Daemon.Hosting;

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

    private readonly Backoff _backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
    private SerialPort? _port;
    private long _retryAt;
    private bool _down;

    public string Name => $"serial:{path}";

    public void Start() => TryOpen();

    public bool Write(in OutputBlock block)
    {
        if (Stopwatch.GetTimestamp() < _retryAt) return false;
        if (_port is null && !TryOpen()) return false;
        try
        {
            _port!.BaseStream.Write(block.Lines);
            Up();
            return true;
        }
        catch (TimeoutException)
        {
            // The port is there but its peer takes nothing: keep it open, skip lines for a while.
            Down($"the peer took nothing for {WriteTimeout.TotalSeconds:F0} s (flow control held, or nobody reads)");
            return false;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            Down($"{e.Message}; reopening");
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
            Down($"cannot open {path}: {e.Message}");
            return false;
        }
    }

    /// <summary>An outage: logged when it begins; writes are skipped until the next backoff delay has passed.</summary>
    private void Down(string why)
    {
        if (!_down) log($"sink {Name}: {why}; lines are dropped (sink_errors) until it takes them again, retrying with backoff");
        _down = true;
        _retryAt = Stopwatch.GetTimestamp() + (long)(_backoff.Next().TotalSeconds * Stopwatch.Frequency);
    }

    private void Up()
    {
        if (_down) log($"sink {Name}: {path} takes lines again");
        _down = false;
        _backoff.Succeeded();
    }

    public void Dispose() => _port?.Dispose();
}
