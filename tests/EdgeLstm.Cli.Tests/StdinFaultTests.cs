using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EdgeLstm.Cli.Tests;

/// <summary>
/// The stdin source as a user pipes a sensor into `edgelstm run` (the fault suite's other
/// transports run in process; stdin needs its own process). A boot banner, a short line and
/// frames whose sample count does not divide the batch size: every valid sample classified, the
/// rejections logged with what was expected, the accounting invariant in the summary.
/// </summary>
public class StdinFaultTests
{
    private static readonly string[] Rows = File.ReadLines(Path.Combine(CliProcess.RepoRoot, "firmware-samples", "recordings", "hapt-exp03-user02.csv"))
        .Skip(1).Take(1000).Select(l => string.Join(',', l.Split(',')[1..7])).ToArray();

    private static (JsonElement Summary, string Log) RunStdin(string format, byte[] input)
    {
        string dir = Directory.CreateTempSubdirectory("edgelstm-stdin").FullName;
        string config = Path.Combine(dir, "stdin.json");
        File.WriteAllText(config, $$"""
            {
              "models": { "default": { "path": "{{ImuFixtures.ModelPath}}" } },
              "sources": [ { "name": "imu", "type": "stdin", "format": "{{format}}" } ],
              "sinks": [ { "type": "stdout" } ]
            }
            """);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "edgelstm.dll"), "run", "--config", config, "--summary" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(120_000), "run did not end with its input");
        Assert.True(process.ExitCode == 0, stderr.Result);
        var summary = JsonDocument.Parse(stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        long Get(string name) => summary.GetProperty(name).GetInt64();
        Assert.Equal(input.Length, Get("bytes_received"));
        Assert.Equal(Get("bytes_received"), Get("bytes_decoded") + Get("bytes_rejected") + Get("garbage_bytes"));
        Assert.Equal(Get("samples_decoded"), Get("samples_accepted"));
        var dropped = summary.GetProperty("dropped");
        Assert.Equal(Get("samples_accepted"), Get("samples_classified") + dropped.GetProperty("input").GetInt64() + dropped.GetProperty("at_stop").GetInt64());
        return (summary, stderr.Result);
    }

    [Fact]
    public void A_banner_and_a_short_line_on_stdin_are_logged_and_the_data_is_classified()
    {
        var text = new StringBuilder("IMU ready\n");
        foreach (var r in Rows.Take(500)) text.Append(r).Append(",\n"); // the data forwarder's trailing comma
        text.Append("1,2,3\n");
        foreach (var r in Rows.Skip(500)) text.Append(r).Append('\n');
        var (summary, log) = RunStdin("text", Encoding.ASCII.GetBytes(text.ToString()));
        Assert.Equal(Rows.Length, summary.GetProperty("samples_classified").GetInt64());
        Assert.Equal(1, summary.GetProperty("rejected").GetProperty("not_a_header").GetInt64());
        Assert.Equal(1, summary.GetProperty("rejected").GetProperty("wrong_field_count").GetInt64());
        Assert.Contains("source 'imu': rejected \"IMU ready\" (not_a_header)", log, StringComparison.Ordinal);
        Assert.Contains("source 'imu': rejected \"1,2,3\" (wrong_field_count): 3 values, model needs 6: acc_x..gyro_z", log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(10)]
    [InlineData(13)]
    public void Frames_that_do_not_divide_the_batch_size_are_all_classified(int perFrame)
    {
        var bytes = new List<byte>();
        var frame = new byte[4124];
        for (int i = 0; i + perFrame <= Rows.Length; i += perFrame)
        {
            var values = Rows.Skip(i).Take(perFrame).SelectMany(r => r.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture))).ToArray();
            int n = Daemon.Decoding.BinaryFrame.Write(frame, Daemon.Decoding.SampleFormat.Float32, 1, (uint)i, 0, 0, 6, values);
            bytes.AddRange(frame.AsSpan(0, n).ToArray());
        }
        var (summary, _) = RunStdin("binary", [.. bytes]);
        Assert.Equal(Rows.Length / perFrame * perFrame, summary.GetProperty("samples_classified").GetInt64());
        Assert.Equal(0, summary.GetProperty("rejected_total").GetInt64());
    }
}
