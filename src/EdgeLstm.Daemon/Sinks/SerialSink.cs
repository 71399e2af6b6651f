using System.IO.Ports;

namespace EdgeLstm.Daemon.Sinks;

/// <summary>
/// JSON lines out of a serial port (to a display or a PLC gateway). If the port vanishes, lines are
/// dropped (counted) and it is reopened on a later write. An absent or unopenable port is logged
/// once per outage (and its return once), not once per dropped line.
/// </summary>
public sealed class SerialSink(string path, SerialSettings settings, Action<string> log) : ISink
{
    private SerialPort? _port;
    private long _retryAt;
    private bool _reported;

    public string Name => $"serial:{path}";

    public void Start() => TryOpen();

    public bool Write(in OutputBlock block)
    {
        if (_port is null && !TryOpen()) return false;
        try
        {
            _port!.BaseStream.Write(block.Lines);
            return true;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            log($"sink {Name}: {e.Message}; reopening");
            _reported = true;
            _port?.Dispose();
            _port = null;
            return false;
        }
    }

    public void Flush()
    {
        try { _port?.BaseStream.Flush(); }
        catch (Exception e) when (e is IOException or InvalidOperationException) { }
    }

    private bool TryOpen()
    {
        if (Environment.TickCount64 < _retryAt) return false;
        try
        {
            _port = settings.Open(path);
            if (_reported) log($"sink {Name}: {path} open again");
            _reported = false;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            _retryAt = Environment.TickCount64 + 1000;
            if (!_reported) log($"sink {Name}: cannot open {path}: {e.Message}; lines are dropped (sink_errors) until it opens, retried every second");
            _reported = true;
            return false;
        }
    }

    public void Dispose() => _port?.Dispose();
}
