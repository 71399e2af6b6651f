using System.Net;
using System.Net.Sockets;

namespace EdgeLstm.Daemon.Service;

/// <summary>
/// Something the service must hold from its start (a port, the status socket's path) is not to be
/// had: the message is one line naming the option (its JSON path) and the port or path, and `run`
/// exits 2 with it before it reports ready.
/// </summary>
public sealed class StartupException(string option, string problem) : Exception($"{option}: {problem}")
{
    /// <summary>The option's JSON path, e.g. <c>sources[0].port</c>.</summary>
    public string Option { get; } = option;

    /// <summary>A bind refused by the kernel, named by the port option (or the address option when the address is not this machine's).</summary>
    public static StartupException FromBind(string at, IPEndPoint endpoint, SocketException e) => e.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => new($"{at}.port", $"{endpoint} is in use by another process"),
        SocketError.AddressNotAvailable => new($"{at}.bind", $"{endpoint.Address} is not an address of this machine"),
        SocketError.AccessDenied => new($"{at}.port", $"{endpoint}: permission denied (ports below 1024 need privileges)"),
        _ => new($"{at}.port", $"{endpoint} cannot be bound: {e.Message}"),
    };
}
