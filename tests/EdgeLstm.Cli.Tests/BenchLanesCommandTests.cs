using System.Text.Json;

namespace EdgeLstm.Cli.Tests;

/// <summary>`bench --lanes K` (issue 17): the batched session's timing beside the single-stream step's, and its bit check.</summary>
public class BenchLanesCommandTests
{
    [Fact]
    public void Bench_lanes_reports_per_stream_timing_zero_allocations_and_identical_bits()
    {
        var result = CliProcess.Run("bench", "--shape", "G", "--lanes", "5", "--steps", "100000", "--json");
        Assert.True(result.ExitCode == 0, result.StdErr);
        var root = JsonDocument.Parse(result.StdOut).RootElement;
        foreach (var field in new[] { "nsPerStep", "nsPerCall", "singleNsPerStep", "perStreamRatio", "gmacPerSecond", "singleGmacPerSecond", "logitsHash", "singleLogitsHash" })
            Assert.True(root.TryGetProperty(field, out _), $"missing {field}");
        Assert.Equal(5, root.GetProperty("lanes").GetInt32());
        Assert.True(root.GetProperty("batched").GetBoolean());
        Assert.True(root.GetProperty("bitIdentical").GetBoolean());
        Assert.Equal(0, root.GetProperty("allocatedBytesPerCall").GetDouble());
        Assert.Equal(root.GetProperty("logitsHash").GetString(), root.GetProperty("singleLogitsHash").GetString());
    }

    /// <summary>A Clockwork RNN has no batched step: one session per lane, the same bits, and the report says so.</summary>
    [Fact]
    public void Bench_lanes_check_on_a_kind_without_a_batched_step_runs_lane_by_lane()
    {
        var result = CliProcess.Run("bench", "--shape", "C", "--lanes", "3", "--check", "--json");
        Assert.True(result.ExitCode == 0, result.StdErr);
        var root = JsonDocument.Parse(result.StdOut).RootElement;
        Assert.False(root.GetProperty("batched").GetBoolean());
        Assert.True(root.GetProperty("bitIdentical").GetBoolean());
    }

    [Theory]
    [InlineData("--lanes 0", "--lanes: must be 1 to 4096")]
    [InlineData("--check", "--check applies with --lanes")]
    [InlineData("--lanes 4 --engine float", "--lanes applies to the integer engine")]
    public void Bench_lanes_refuses_bad_arguments(string arguments, string expected)
    {
        var result = CliProcess.Run(["bench", "--shape", "S", .. arguments.Split(' ')]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.StdErr);
    }
}
