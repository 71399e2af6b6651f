namespace EdgeLstm.Daemon.Sinks;

/// <summary>JSON lines to a byte stream: stdout (the default sink), or a file.</summary>
public sealed class StreamSink(string name, Stream stream, bool ownsStream) : ISink
{
    private readonly BufferedStream _out = new(stream, 1 << 16);
    private bool _broken;

    public string Name => name;

    public static StreamSink StandardOutput() => new("stdout", Console.OpenStandardOutput(), ownsStream: false);

    public bool Write(in OutputBlock block)
    {
        if (_broken) return false;
        try
        {
            _out.Write(block.Lines);
            return true;
        }
        catch (IOException)
        {
            _broken = true; // a closed pipe: stop writing, keep classifying for the other sinks
            return false;
        }
    }

    public void Flush()
    {
        if (_broken) return;
        try { _out.Flush(); }
        catch (IOException) { _broken = true; }
    }

    public void Dispose()
    {
        Flush();
        if (ownsStream) stream.Dispose();
    }
}
