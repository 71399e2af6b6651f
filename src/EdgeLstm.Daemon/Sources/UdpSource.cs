using System.Net;
using System.Net.Sockets;
using EdgeLstm.Daemon.Flow;

namespace EdgeLstm.Daemon.Sources;

/// <summary>
/// A UDP port (127.0.0.1 by default): each datagram holds whole text lines or whole frames. Bound
/// without SO_REUSEADDR, so a port another socket holds is refused.
/// </summary>
public sealed class UdpSource(string name, IPEndPoint endpoint, InputFormat format, DecoderOptionsTemplate decoding)
    : ListeningSource(name, endpoint, format, decoding)
{
    protected override Socket Open(AddressFamily family) => new(family, SocketType.Dgram, ProtocolType.Udp);

    protected override void Take(Socket socket) => socket.Bind(Endpoint);

    public override async Task RunAsync(SourceContext context, CancellationToken stop)
    {
        using var socket = BoundSocket();
        var decoder = CreateDecoder(context, recording: false);
        var input = new DatagramInput(socket);
        var pump = new BytePump();
        var backoff = new Backoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1));
        var reported = new HashSet<SocketError>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // One datagram per pump run: the pump sees it as a whole input ending there.
                await pump.RunAsync(input, decoder, context, neverDrop: false, null, stop).ConfigureAwait(false);
                decoder.DiscardPartial();
                backoff.Succeeded();
            }
            catch (OperationCanceledException) { return; }
            catch (SocketException e)
            {
                // A receive error (an ICMP error queued on the socket, a lack of buffers): counted as
                // an outage, logged the first time of each kind, retried after a short backoff so
                // that a persistent error cannot spin.
                decoder.DiscardPartial();
                Interlocked.Increment(ref context.Counters.SourceOutages);
                if (reported.Add(e.SocketErrorCode))
                    context.Log($"source '{Name}': receive failed ({e.SocketErrorCode}: {e.Message}); counted in source_outages, receiving again (logged once per kind)");
                try { await Task.Delay(backoff.Next(), stop).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
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
