using System.Net;
using System.Net.Sockets;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Processing;
using EdgeLstm.Daemon.Sinks;
using EdgeLstm.Daemon.Sources;
using EdgeLstm.Tests.Shared;

namespace EdgeLstm.Daemon.Tests.Faults;

/// <summary>The ways bytes reach the daemon, each with its real peer: a file, a TCP client, UDP datagrams, a socat pty.</summary>
public enum TransportKind { File, Tcp, Udp, Serial }

/// <summary>
/// Runs a scenario through a real pipeline over one transport and returns its counters after the
/// stop. Every chunk is delivered; the run waits until the source has read every byte sent before
/// an interruption and before the stop, so what the counters say is about the daemon, not the peer.
/// </summary>
internal static class Transport
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<(PipelineCounters Counters, List<string> Log)> RunAsync(TransportKind kind, FaultScenario scenario,
        PipelineOptions? options = null, int seed = 1)
    {
        var plan = PipelineHarness.Plan(TestModels.Streaming, new EventSettings { Emit = EmitMode.Hop, Hop = 1 });
        var decoding = new DecoderOptionsTemplate(PositionalColumns: 6, ExpectedNames: TestModels.Channels);
        var log = new List<string>();
        string dir = Directory.CreateTempSubdirectory("edgelstm-faults").FullName;
        var random = new Random(seed);
        PtyPair? pty = kind == TransportKind.Serial ? PtyPair.In(dir) : null;
        Source source = kind switch
        {
            TransportKind.File => new FileSource("faults", Write(dir, scenario), scenario.Format, decoding, speed: null, sampleRateHz: 50),
            TransportKind.Tcp => new TcpServerSource("faults", new IPEndPoint(IPAddress.Loopback, 0), 4, scenario.Format, decoding),
            TransportKind.Udp => new UdpSource("faults", new IPEndPoint(IPAddress.Loopback, 0), scenario.Format, decoding),
            _ => new SerialSource("faults", pty!.DevicePath, new SerialSettings(), scenario.Format, decoding, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200)),
        };
        var pipeline = new Pipeline(options ?? new PipelineOptions { ClassifierWorkers = 1 }, [source], [new StreamSink("null", Stream.Null, false)],
            (_, _) => plan, m => { lock (log) log.Add(m); });
        pipeline.Start();
        try
        {
            long sent = 0;
            switch (kind)
            {
                case TransportKind.File:
                    await pipeline.Completion.WaitAsync(Patience);
                    return (pipeline.Counters, log);
                case TransportKind.Tcp:
                    await Until(() => ((TcpServerSource)source).BoundEndpoint is not null, "the TCP source listens");
                    var endpoint = ((TcpServerSource)source).BoundEndpoint!;
                    Socket? client = null;
                    foreach (var chunk in scenario.Chunks)
                    {
                        if (chunk is null)
                        {
                            await Until(() => pipeline.Counters.Received == sent, "the bytes before the reconnect");
                            client?.Dispose();
                            client = null;
                            continue;
                        }
                        if (client is null)
                        {
                            client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                            await client.ConnectAsync(endpoint);
                        }
                        // Partial reads: the chunk in random pieces.
                        for (int at = 0; at < chunk.Length;)
                        {
                            int n = Math.Min(chunk.Length - at, random.Next(1, 700));
                            await client.SendAsync(chunk.AsMemory(at, n));
                            at += n;
                        }
                        sent += chunk.Length;
                    }
                    client?.Shutdown(SocketShutdown.Send);
                    await Until(() => pipeline.Counters.Received == sent, "every byte sent");
                    client?.Dispose();
                    break;
                case TransportKind.Udp:
                    await Until(() => ((UdpSource)source).BoundEndpoint is not null, "the UDP source binds");
                    using (var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
                    {
                        foreach (var chunk in scenario.Chunks)
                        {
                            if (chunk is null) continue;
                            await udp.SendToAsync(chunk, ((UdpSource)source).BoundEndpoint!);
                            sent += chunk.Length;
                            // Loopback UDP drops when its receive buffer overflows: never more than a few datagrams ahead.
                            await Until(() => pipeline.Counters.Received == sent, "the datagram");
                        }
                    }
                    break;
                case TransportKind.Serial:
                    await Until(() => Logged(log, "open at"), "the serial source opens the pty");
                    var feed = pty!.OpenFeed();
                    int opens = 1;
                    foreach (var chunk in scenario.Chunks)
                    {
                        if (chunk is null)
                        {
                            // A board reset: the device vanishes and comes back at the same path.
                            await Until(() => pipeline.Counters.Received == sent, "the bytes before the reset");
                            feed.Dispose();
                            pty.Dispose();
                            await Until(() => pipeline.Counters.Outages == opens, "the outage");
                            pty = new PtyPair(pty.DevicePath, pty.FeedPath);
                            await Until(() => pipeline.Counters.Reopens == opens, "the reopen");
                            opens++;
                            feed = pty.OpenFeed();
                            continue;
                        }
                        for (int at = 0; at < chunk.Length;)
                        {
                            int n = Math.Min(chunk.Length - at, random.Next(1, 700));
                            feed.Write(chunk, at, n);
                            feed.Flush();
                            at += n;
                        }
                        sent += chunk.Length;
                    }
                    await Until(() => pipeline.Counters.Received == sent, "every byte written",
                        () => $"received {pipeline.Counters.Received} of {sent}, outages {pipeline.Counters.Outages}; log: {string.Join(" | ", Snapshot(log))}");
                    feed.Dispose();
                    break;
            }
            // Everything sent was read; let the classifier catch up before the stop (the stop drains anyway).
            await pipeline.StopAsync().WaitAsync(Patience);
            return (pipeline.Counters, log);
        }
        finally
        {
            pty?.Dispose();
        }
    }

    private static string[] Snapshot(List<string> log)
    {
        lock (log) return [.. log];
    }

    private static bool Logged(List<string> log, string text)
    {
        lock (log) return log.Any(l => l.Contains(text, StringComparison.Ordinal));
    }

    private static string Write(string dir, FaultScenario scenario)
    {
        string path = Path.Combine(dir, scenario.Format == InputFormat.Binary ? "faults.bin" : "faults.csv");
        using var file = System.IO.File.Create(path);
        foreach (var chunk in scenario.Chunks) if (chunk is not null) file.Write(chunk);
        return path;
    }

    public static async Task Until(Func<bool> condition, string what, Func<string>? context = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}{(context is null ? "" : ": " + context())}");
            await Task.Delay(5);
        }
    }
}
