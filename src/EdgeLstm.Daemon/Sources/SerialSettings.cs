using System.IO.Ports;

namespace EdgeLstm.Daemon;

/// <summary>Line settings of a serial port: baud, parity, data bits, stop bits, handshake.</summary>
public sealed record SerialSettings
{
    public int Baud { get; init; } = 115200;
    public Parity Parity { get; init; } = Parity.None;
    public int DataBits { get; init; } = 8;
    public StopBits StopBits { get; init; } = StopBits.One;
    public Handshake Handshake { get; init; } = Handshake.None;

    /// <summary>
    /// Opens the port. A symlink (/dev/serial/by-id/..., a pty link) is resolved first, so the
    /// device behind it is opened even when the link is recreated with a new target.
    /// </summary>
    public SerialPort Open(string path)
    {
        string device = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
        if (!File.Exists(device)) throw new IOException($"{path}: no such device");
        var port = new SerialPort(device, Baud, Parity, DataBits, StopBits) { Handshake = Handshake, ReadTimeout = SerialPort.InfiniteTimeout };
        port.Open();
        return port;
    }
}
