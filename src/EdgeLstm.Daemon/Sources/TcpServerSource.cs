using System.Net;
using System.Net.Sockets;

namespace EdgeLstm.Daemon.Sources;

/// <summary>
/// A TCP server (127.0.0.1 by default) accepting up to <c>maxConnections</c> senders at once;
/// connections beyond the limit are closed at once and counted, and a connection silent for
/// <c>idleTimeout</c> is closed (counted, logged) so silent peers cannot hold the slots. Each
/// connection has its own decoder; text connections feed the source's stream, frames their
/// stream ids' streams. The port is bound exclusively (no SO_REUSEPORT): a second process cannot
/// share it.
/// </summary>
public sealed class TcpServerSource(string name, IPEndPoint endpoint, int maxConnections, InputFormat format, DecoderOptionsTemplate decoding,
                                    TimeSpan idleTimeout = default)
    : ListeningSource(name, endpoint, format, decoding)
{
    // setsockopt(SOL_SOCKET, SO_REUSEADDR) alone: .NET's ReuseAddress also sets SO_REUSEPORT on Linux,
    // which lets another process bind the same port and have the kernel split the connections.
    private const int SolSocket = 1, SoReuseAddr = 2;
    private int _active;
    private long _idleClosed;

    /// <summary>A TCP peer slows down when we do: wait, lose nothing.</summary>
    public override Flow.FullMode DefaultFullMode => Flow.FullMode.Wait;

    /// <summary>Connections closed because they were silent for the idle timeout.</summary>
    public long IdleClosed => Volatile.Read(ref _idleClosed);

    protected override Socket Open(AddressFamily family) => new(family, SocketType.Stream, ProtocolType.Tcp);

    protected override void Take(Socket socket)
    {
        // Restart while old connections linger in TIME_WAIT; a live listener still refuses the bind.
        socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
        socket.Bind(Endpoint);
        socket.Listen(16);
    }

    public override async Task RunAsync(SourceContext context, CancellationToken stop)
    {
        using var listener = BoundSocket();
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                Socket client;
                try { client = await listener.AcceptAsync(stop).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
                if (Interlocked.Increment(ref _active) > maxConnections)
                {
                    Interlocked.Decrement(ref _active);
                    Interlocked.Increment(ref context.Counters.ConnectionsRefused);
                    client.Dispose();
                    continue;
                }
                Interlocked.Increment(ref context.Counters.ConnectionsAccepted);
                connections.RemoveAll(t => t.IsCompleted);
                connections.Add(ServeAsync(client, context, stop));
            }
        }
        finally
        {
            await Task.WhenAll(connections).ConfigureAwait(false);
        }
    }

    private async Task ServeAsync(Socket client, SourceContext context, CancellationToken stop)
    {
        var input = idleTimeout > TimeSpan.Zero ? new IdleClosingInput(client, idleTimeout, stop) : null;
        try
        {
            using (client)
            using (input)
                await new BytePump().RunAsync((IByteInput?)input ?? new SocketInput(client), CreateDecoder(context, recording: false), context, neverDrop: false, null, stop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            if (input is { TimedOut: true } && !stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref _idleClosed);
                context.Log($"source '{Name}': connection closed after {idleTimeout.TotalMilliseconds:F0} ms without data (idleTimeoutMs)");
            }
        }
        finally { Interlocked.Decrement(ref _active); }
    }
}
