using System.Net.Sockets;

namespace EdgeLstm.Daemon.Sources;

/// <summary>A connected socket (Socket's awaitable receive reuses its event args).</summary>
public sealed class SocketInput(Socket socket) : IByteInput
{
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
}
