using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Processing;
using EdgeLstm.Daemon.Sinks;
using EdgeLstm.Daemon.Sources;
using Xunit.Abstractions;

namespace EdgeLstm.Daemon.Tests;

/// <summary>
/// The serial source over a real socat pty pair, in process: its allocations per sample are
/// measured and reported (System.IO.Ports' read path is not ours); the stages' own stay at zero.
/// </summary>
public class SerialSourceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Serial_source_bytes_per_sample_are_measured_and_the_stages_allocate_nothing()
    {
        string dir = Directory.CreateTempSubdirectory("edgelstm-serial").FullName;
        string device = Path.Combine(dir, "tty"), feed = Path.Combine(dir, "feed");
        using var socat = Process.Start(new ProcessStartInfo("socat", [$"pty,raw,echo=0,link={device}", $"pty,raw,echo=0,link={feed}"]) { UseShellExecute = false })!;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!(File.Exists(device) && File.Exists(feed)) && DateTime.UtcNow < deadline) Thread.Sleep(20);
            var plan = PipelineHarness.Plan(TestModels.Streaming, new EventSettings { Emit = EmitMode.Hop, Hop = 1 });
            var source = new SerialSource("imu", device, new SerialSettings(), InputFormat.Text, new DecoderOptionsTemplate(PositionalColumns: 6),
                TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));
            var pipeline = new Pipeline(new PipelineOptions { Scores = true }, [source], [new StreamSink("null", Stream.Null, false)], (_, _) => plan, _ => { });
            pipeline.Start();
            Thread.Sleep(500);

            const int total = 30_000;
            var rows = File.ReadLines(TestModels.Recording).Skip(1).Select(l => string.Join(',', l.Split(',')[1..7])).ToArray();
            // Encoded before the measurement: the writer (in this process) must not allocate during it.
            var chunks = Enumerable.Range(0, total / 20)
                .Select(c => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(c * 20, 20).Select(i => rows[i % rows.Length] + "\n")))).ToArray();
            var writer = Task.Factory.StartNew(() =>
            {
                using var f = new FileStream(feed, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
                foreach (var chunk in chunks)
                {
                    f.Write(chunk);
                    Thread.Sleep(1); // a fast sensor: about 10-20 kHz, reads of a few lines each
                }
            }, TaskCreationOptions.LongRunning);
            Wait(pipeline, 5_000);
            long stage0 = pipeline.Counters.StageAllocatedBytes, process0 = GC.GetTotalAllocatedBytes(true), n0 = pipeline.Counters.Classified;
            Wait(pipeline, total - 1_000);
            long stage1 = pipeline.Counters.StageAllocatedBytes, process1 = GC.GetTotalAllocatedBytes(true), n1 = pipeline.Counters.Classified;
            await writer;
            Wait(pipeline, total);
            await pipeline.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));
            double perSample = (double)(process1 - process0) / (n1 - n0);
            output.WriteLine(FormattableString.Invariant($"serial source: {perSample:F1} bytes/sample over {n1 - n0} samples (process-wide, reads of about {pipeline.Counters.Received / Math.Max(1, total)} bytes per line); stages: {stage1 - stage0} bytes"));
            File.WriteAllText(Path.Combine(Path.GetTempPath(), "edgelstm-serial-bytes-per-sample.txt"), perSample.ToString("F1", CultureInfo.InvariantCulture));
            Assert.Equal(total, pipeline.Counters.Classified);
            Assert.Equal(0, stage1 - stage0);
        }
        finally
        {
            socat.Kill();
            socat.WaitForExit();
        }
    }

    private static void Wait(Pipeline pipeline, long classified)
    {
        var deadline = Environment.TickCount64 + 120_000;
        while (pipeline.Counters.Classified < classified && Environment.TickCount64 < deadline) Thread.Sleep(5);
    }
}
