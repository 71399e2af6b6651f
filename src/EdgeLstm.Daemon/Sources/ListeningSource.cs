using System.Net;
using System.Net.Sockets;

namespace EdgeLstm.Daemon.Sources;

/// <summary>
/// A source that listens on a port of its own (tcp, udp). <see cref="Bind"/> takes the port
/// exclusively at start-up, before the service reports ready, so a port in use stops the start
/// instead of leaving a dead source; the source's run then serves the bound socket.
/// </summary>
public abstract class ListeningSource(string name, IPEndPoint endpoint, InputFormat format, DecoderOptionsTemplate decoding)
    : Source(name, format, decoding)
{
    private Socket? _socket;

    /// <summary>The configured endpoint (port 0 picks a free port).</summary>
    public IPEndPoint Endpoint => endpoint;

    /// <summary>The bound endpoint (port 0 in the configuration picks a free port).</summary>
    public IPEndPoint? BoundEndpoint { get; private set; }

    /// <summary>Binds (and for TCP listens) once; throws <see cref="SocketException"/> when the port cannot be had.</summary>
    public void Bind()
    {
        if (_socket is not null) return;
        var socket = Open(endpoint.AddressFamily);
        try { Take(socket); }
        catch
        {
            socket.Dispose();
            throw;
        }
        BoundEndpoint = (IPEndPoint)socket.LocalEndPoint!;
        _socket = socket;
    }

    /// <summary>A new socket of the source's transport.</summary>
    protected abstract Socket Open(AddressFamily family);

    /// <summary>Sets the socket's options and binds it to <see cref="Endpoint"/> (TCP: and listens).</summary>
    protected abstract void Take(Socket socket);

    /// <summary>Binds if not yet bound and hands over the socket: the run owns (and disposes) it.</summary>
    protected Socket BoundSocket()
    {
        Bind();
        return _socket!;
    }
}
