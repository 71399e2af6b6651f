namespace EdgeLstm.Daemon.Sinks;

/// <summary>JSON lines to a byte stream: stdout (the default sink), or a file.</summary>
public sealed class StreamSink(string name, Stream stream, bool ownsStream, Action<string>? log = null) : ISink
{
    private readonly BufferedStream _out = new(stream, 1 << 16);
    private bool _broken;

    public string Name => name;

    public static StreamSink StandardOutput(Action<string>? log = null) => new("stdout", Console.OpenStandardOutput(), ownsStream: false, log);

    public bool Write(in OutputBlock block)
    {
        if (_broken) return false;
        try
        {
            _out.Write(block.Lines);
            return true;
        }
        catch (IOException e)
        {
            Broken(e); // a closed pipe: stop writing, keep classifying for the other sinks
            return false;
        }
    }

    public void Flush()
    {
        if (_broken) return;
        try { _out.Flush(); }
        catch (IOException e) { Broken(e); }
    }

    private void Broken(IOException e)
    {
        if (!_broken) log?.Invoke($"sink {name}: {e.Message}; its lines are dropped from now on (sink_errors)");
        _broken = true;
    }

    public void Dispose()
    {
        Flush();
        if (ownsStream) stream.Dispose();
    }
}
