using System.Net;
using System.Net.Sockets;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Processing;
using EdgeLstm.Daemon.Sinks;
using EdgeLstm.Daemon.Sources;

namespace EdgeLstm.Daemon.Tests.Faults;

/// <summary>
/// Sinks that stall: a TCP consumer that connects and never reads, a serial peer (a socat pty)
/// that nobody reads. The pipeline must not hang behind them (each stuck write is bounded, then
/// the sink drops lines, logged once, and retries with backoff), the other sinks get every line,
/// and the accounting holds at the end. (A stdout pipe nobody reads is a stall on purpose, and
/// shows as STALLED: NotifyProtocolTests.)
/// </summary>
public class SinkStallTests
{
    private static async Task<(Counters.PipelineCounters Counters, int MemoryLines, List<string> Log)> RunAgainstAsync(Func<Action<string>, ISink> stuck)
    {
        // 60,000 samples, a line with scores for each: some 20 MB of JSON, far beyond any buffer on the way.
        var rows = Enumerable.Range(0, 60_000).Select(i => FaultScenario.Recording[i % FaultScenario.Recording.Length]);
        string path = PipelineHarness.TempFile("many.csv", string.Join('\n', rows) + "\n");
        var plan = PipelineHarness.Plan(TestModels.Streaming, new EventSettings { Emit = EmitMode.Hop, Hop = 1 });
        var log = new List<string>();
        var memory = new MemoryStream();
        var pipeline = new Pipeline(new PipelineOptions { ClassifierWorkers = 1, Scores = true }, [PipelineHarness.File(path, 6)],
            [stuck(m => { lock (log) log.Add(m); }), new StreamSink("memory", memory, false)], (_, _) => plan, _ => { });
        pipeline.Start();
        await pipeline.Completion.WaitAsync(TimeSpan.FromSeconds(90));
        Accounting.AssertBalanced(pipeline.Counters, "stuck sink");
        return (pipeline.Counters, PipelineHarness.Lines(memory).Length, log);
    }

    [Fact]
    public async Task A_serial_peer_that_never_reads_does_not_hold_the_pipeline_or_the_other_sinks()
    {
        string dir = Directory.CreateTempSubdirectory("edgelstm-serial-stall").FullName;
        using var pty = EdgeLstm.Tests.Shared.PtyPair.In(dir); // nobody opens the feed end: what the sink writes piles up
        var (c, lines, log) = await RunAgainstAsync(l => new SerialSink(pty.DevicePath, new SerialSettings(), l));
        Assert.Equal(60_000, c.Classified);
        Assert.Equal(60_000, lines);
        Assert.True(Volatile.Read(ref c.SinkErrors) > 0, "the stuck peer's lost blocks are counted");
        lock (log) Assert.Single(log, l => l.Contains("took nothing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tcp_consumer_that_never_reads_does_not_hold_the_pipeline_or_the_other_sinks()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4);
        var silent = new List<Socket>();
        var accepting = Task.Run(async () =>
        {
            try { while (true) silent.Add(await listener.AcceptAsync()); } // accepts, never reads
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        });
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var (c, lines, log) = await RunAgainstAsync(l => new TcpSink("127.0.0.1", port, l));
        Assert.Equal(60_000, c.Classified);
        Assert.Equal(c.Emitted, c.Written);
        Assert.Equal(60_000, lines);
        Assert.True(Volatile.Read(ref c.SinkErrors) > 0, "the stuck consumer's lost blocks are counted");
        lock (log)
        {
            var stuck = log.Where(l => l.Contains("read nothing", StringComparison.Ordinal)).ToList();
            Assert.True(stuck.Count >= 1, string.Join(" | ", log));
            Assert.True(log.Count <= 2 * silent.Count + 2, "one line per outage and one per recovery: " + string.Join(" | ", log));
        }
        listener.Dispose();
        await accepting;
        foreach (var s in silent) s.Dispose();
    }
}
