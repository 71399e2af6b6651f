using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeLstm.Daemon.Decoding;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Processing;
using EdgeLstm.Daemon.Samples;
using EdgeLstm.Daemon.Sinks;
using EdgeLstm.Daemon.Sources;

namespace EdgeLstm.Daemon.Tests;

/// <summary>TCP and UDP sources and sinks with real sockets on loopback; channel maps; reset and rate policies.</summary>
public class SocketAndPolicyTests
{
    private static readonly string[] Rows = File.ReadLines(TestModels.Recording).Skip(1).Take(500)
        .Select(l => string.Join(',', l.Split(',')[1..7])).ToArray();

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Tcp_source_classifies_a_sender_and_refuses_connections_beyond_the_limit()
    {
        var source = new TcpServerSource("net", new IPEndPoint(IPAddress.Loopback, 0), 1, InputFormat.Text, new DecoderOptionsTemplate(PositionalColumns: 6));
        var (pipeline, _) = PipelineHarness.Create(PipelineHarness.Plan(TestModels.Streaming), [source]);
        pipeline.Start();
        await Until(() => source.BoundEndpoint is not null);
        using var first = new TcpClient();
        await first.ConnectAsync(source.BoundEndpoint!);
        await Until(() => Volatile.Read(ref pipeline.Counters.ConnectionsAccepted) == 1);
        using var second = new TcpClient();
        await second.ConnectAsync(source.BoundEndpoint!);
        await Until(() => Volatile.Read(ref pipeline.Counters.ConnectionsRefused) == 1);
        await first.GetStream().WriteAsync(Encoding.ASCII.GetBytes(string.Join('\n', Rows) + "\n"));
        await Until(() => pipeline.Counters.Classified == Rows.Length);
        await pipeline.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal("net", Assert.Single(pipeline.Classifiers).Stream.Name);
    }

    [Fact]
    public async Task Udp_source_takes_frames_per_datagram_and_names_streams_by_id()
    {
        var source = new UdpSource("udp", new IPEndPoint(IPAddress.Loopback, 0), InputFormat.Binary, new DecoderOptionsTemplate());
        var (pipeline, _) = PipelineHarness.Create(PipelineHarness.Plan(TestModels.Streaming), [source]);
        pipeline.Start();
        await Until(() => source.BoundEndpoint is not null);
        using var sender = new UdpClient();
        var frame = new byte[BinaryFrame.MaxSize];
        for (int i = 0; i < 100; i++)
        {
            var values = Rows[i].Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            int n = BinaryFrame.Write(frame, SampleFormat.Float32, 5, (uint)i, 0, 0, 6, values);
            await sender.SendAsync(frame.AsMemory(0, n), source.BoundEndpoint!);
            if (i % 10 == 9) await Task.Delay(5); // loopback UDP still drops when flooded
        }
        await Until(() => pipeline.Counters.Classified >= 90);
        await pipeline.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal("udp/5", Assert.Single(pipeline.Classifiers).Stream.Name);
    }

    [Fact]
    public async Task Tcp_and_udp_sinks_deliver_the_json_lines()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int tcpPort = ((IPEndPoint)listener.LocalEndpoint).Port, udpPort = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        var accept = listener.AcceptTcpClientAsync();
        var plan = PipelineHarness.Plan(TestModels.Streaming, new EventSettings { Emit = EmitMode.Hop, Hop = 100 });
        string path = PipelineHarness.TempFile("rows.csv", string.Join('\n', Rows) + "\n");
        var pipeline = new Pipeline(new PipelineOptions(), [PipelineHarness.File(path, 6)], [new TcpSink("127.0.0.1", tcpPort, _ => { }), new UdpSink("127.0.0.1", udpPort)], (_, _) => plan, _ => { });
        pipeline.Start();
        using var client = await accept;
        await pipeline.Completion.WaitAsync(TimeSpan.FromMinutes(1));
        using var reader = new StreamReader(client.GetStream());
        for (int i = 0; i < 5; i++) Assert.Contains($"\"t\":{i * 100 + 99},", await reader.ReadLineAsync());
        var datagram = await udp.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("{\"stream\":\"rows.csv\",\"t\":99,", Encoding.UTF8.GetString(datagram.Buffer), StringComparison.Ordinal);
    }

    [Fact]
    public void Channel_map_by_header_name_by_index_with_scale_and_offset()
    {
        var layout = ColumnLayout.Named(["gyro_z", "acc_x", "raw_y", "acc_z", "gyro_x", "gyro_y", "acc_y"]);
        var settings = new List<ChannelSetting>
        {
            new() { Input = "acc_y", Column = "raw_y", Scale = 0.5f, Offset = 1 },
            new() { Input = "gyro_y", Index = 0 },
        };
        var map = ChannelMap.Build(layout, TestModels.Channels, 6, settings, out var problem)!;
        Assert.Null(problem);
        var input = new float[6];
        map.Apply([10, 11, 12, 13, 14, 15, 16], input);
        // acc_x by name (col 1), acc_y = raw_y*0.5+1, acc_z by name, gyro_x by name, gyro_y = col 0, gyro_z by name (col 0).
        Assert.Equal([11f, 7f, 13f, 14f, 10f, 10f], input);
        Assert.Null(ChannelMap.Build(ColumnLayout.Positional(3), TestModels.Channels, 6, [], out problem));
        Assert.Contains("needs column 4", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_every_n_steps_and_timeouts_fire_and_a_rate_mismatch_warns()
    {
        // 100 Hz time column for a 50 Hz model, and a 5 s hole after sample 300.
        var text = new StringBuilder("time,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z\n");
        for (int i = 0; i < Rows.Length; i++) text.Append(CultureInfo.InvariantCulture, $"{i * 0.01 + (i >= 300 ? 5 : 0):F2},{Rows[i]}\n");
        string path = PipelineHarness.TempFile("fast.csv", text.ToString());
        var log = new List<string>();
        var plan = PipelineHarness.Plan(TestModels.Streaming, reset: new ResetSettings { EverySteps = 100, Timeout = TimeSpan.FromSeconds(2) });
        var (pipeline, _) = PipelineHarness.Create(plan, [PipelineHarness.File(path, 6)], log: log);
        pipeline.Start();
        await pipeline.Completion.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(1, Volatile.Read(ref pipeline.Counters.ResetsTimeout));
        Assert.Equal(3, Volatile.Read(ref pipeline.Counters.ResetsEvery)); // at 100, 200, then 400 (the timeout reset at 300 restarts the count)
        Assert.Equal(1, Volatile.Read(ref pipeline.Counters.RateWarnings));
        Assert.Contains(log, l => l.Contains("100.0 Hz differs from the model's 50.0 Hz", StringComparison.Ordinal));
    }
}
