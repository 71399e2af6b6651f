using System.Net;
using System.Net.Sockets;

namespace EdgeLstm.Daemon.Sources;

/// <summary>
/// A TCP server (127.0.0.1 by default) accepting up to <c>maxConnections</c> senders at once;
/// connections beyond the limit are closed at once and counted. Each connection has its own
/// decoder; text connections feed the source's stream, frames their stream ids' streams.
/// </summary>
public sealed class TcpServerSource(string name, IPEndPoint endpoint, int maxConnections, InputFormat format, DecoderOptionsTemplate decoding)
    : Source(name, format, decoding)
{
    private int _active;

    /// <summary>A TCP peer slows down when we do: wait, lose nothing.</summary>
    public override Hosting.FullMode DefaultFullMode => Hosting.FullMode.Wait;

    /// <summary>The bound endpoint (port 0 in the configuration picks a free port).</summary>
    public IPEndPoint? BoundEndpoint { get; private set; }

    public override async Task RunAsync(SourceContext context, CancellationToken stop)
    {
        using var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(endpoint);
        listener.Listen(16);
        BoundEndpoint = (IPEndPoint)listener.LocalEndPoint!;
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
        try
        {
            using (client)
                await new BytePump().RunAsync(new SocketInput(client), CreateDecoder(context, recording: false), context, neverDrop: false, null, stop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException) { }
        finally { Interlocked.Decrement(ref _active); }
    }
}

/// <summary>A UDP port (127.0.0.1 by default): each datagram holds whole text lines or whole frames.</summary>
public sealed class UdpSource(string name, IPEndPoint endpoint, InputFormat format, DecoderOptionsTemplate decoding) : Source(name, format, decoding)
{
    public IPEndPoint? BoundEndpoint { get; private set; }

    public override async Task RunAsync(SourceContext context, CancellationToken stop)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(endpoint);
        BoundEndpoint = (IPEndPoint)socket.LocalEndPoint!;
        var decoder = CreateDecoder(context, recording: false);
        var input = new DatagramInput(socket);
        var pump = new BytePump();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // One datagram per pump run: the pump sees it as a whole input ending there.
                await pump.RunAsync(input, decoder, context, neverDrop: false, null, stop).ConfigureAwait(false);
                decoder.DiscardPartial();
            }
            catch (OperationCanceledException) { return; }
            catch (SocketException) { }
        }
    }

    /// <summary>Yields one datagram, then an end of input, alternately.</summary>
    private sealed class DatagramInput(Socket socket) : IByteInput
    {
        private bool _ended;

        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            _ended = !_ended;
            return _ended ? socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) : new ValueTask<int>(0);
        }
    }
}
