using System.Net;

namespace EdgeLstm.Daemon.Sources;

/// <summary>
/// A source that listens on a port of its own (tcp, udp). <see cref="Bind"/> takes the port
/// exclusively at start-up, before the service reports ready, so a port in use stops the start
/// instead of leaving a dead source; the source's run then serves the bound socket.
/// </summary>
public interface IListeningSource
{
    /// <summary>The configured endpoint (port 0 picks a free port).</summary>
    IPEndPoint Endpoint { get; }

    /// <summary>Binds (and for TCP listens) once; throws <see cref="System.Net.Sockets.SocketException"/> when the port cannot be had.</summary>
    void Bind();
}
