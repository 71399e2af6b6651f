using EdgeLstm.Daemon.Configuration;

namespace EdgeLstm.Cli.Capture;

/// <summary>
/// A live source written on the command line, turned into the configuration entry `run` would
/// read, so `record` builds its source through the daemon's own factory:
/// `-` or `stdin`; `tcp:PORT` or `tcp:ADDRESS:PORT` (listens, loopback by default);
/// `udp:PORT` or `udp:ADDRESS:PORT`; `serial:DEVICE` or a device path (`/dev/...`).
/// </summary>
public static class SourceSpec
{
    public const string Forms = "-, stdin, tcp:PORT, tcp:ADDRESS:PORT, udp:PORT, udp:ADDRESS:PORT, serial:DEVICE or /dev/DEVICE";

    public static SourceEntry Parse(string spec, string name, string format, int baud)
    {
        var source = new SourceEntry { Name = name, Format = format, Baud = baud };
        if (spec is "-" or "stdin")
        {
            source.Type = "stdin";
            return source;
        }
        if (spec.StartsWith("tcp:", StringComparison.Ordinal) || spec.StartsWith("udp:", StringComparison.Ordinal))
        {
            source.Type = spec[..3];
            string rest = spec[4..];
            int colon = rest.LastIndexOf(':');
            if (colon >= 0)
            {
                source.Bind = rest[..colon].Trim('[', ']');
                rest = rest[(colon + 1)..];
            }
            if (!int.TryParse(rest, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port) || port > 65535)
                throw new UsageException($"source '{spec}': '{rest}' is not a port number (0 to 65535)");
            source.Port = port;
            return source;
        }
        string device = spec.StartsWith("serial:", StringComparison.Ordinal) ? spec["serial:".Length..] : spec;
        if (device.StartsWith('/') && (spec != device || device.StartsWith("/dev/", StringComparison.Ordinal)))
        {
            source.Type = "serial";
            source.Path = device;
            return source;
        }
        throw new UsageException($"source '{spec}' is not one of: {Forms}");
    }
}
