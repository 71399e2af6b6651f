using System.Net.Sockets;
using EdgeLstm.Daemon.Service;

namespace EdgeLstm.Daemon.Sources;

/// <summary>
/// Binds every listening source of a built pipeline (index i is the configuration's sources[i]),
/// turning a refusal into a <see cref="StartupException"/> that names the option and the endpoint.
/// </summary>
public static class SourceBinding
{
    public static void BindAll(IReadOnlyList<Source> sources)
    {
        for (int i = 0; i < sources.Count; i++)
        {
            if (sources[i] is not ListeningSource listening) continue;
            try { listening.Bind(); }
            catch (SocketException e) { throw StartupException.FromBind($"sources[{i}]", listening.Endpoint, e); }
        }
    }
}
