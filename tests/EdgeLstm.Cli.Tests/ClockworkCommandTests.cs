using System.Text.Json;

namespace EdgeLstm.Cli.Tests;

/// <summary>`inspect` and `bench` report a Clockwork RNN's average cost, which falls as modules get slower periods.</summary>
public class ClockworkCommandTests
{
    [Fact]
    public void Bench_and_inspect_report_average_macs_falling_with_the_periods()
    {
        double previous = double.MaxValue;
        foreach (string periods in new[] { "1", "1,2", "1,2,4,8", "1,2,4,8,16,32,64,128" })
        {
            string model = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-cw").FullName, "c.elstm");
            var bench = CliProcess.Run("bench", "--shape", "C", "--periods", periods, "--json", "--steps", "100000", "--save-model", model);
            Assert.True(bench.ExitCode == 0, bench.StdErr);
            using var b = JsonDocument.Parse(bench.StdOut);
            double macs = b.RootElement.GetProperty("macsPerStep").GetDouble();
            Assert.True(macs < previous, $"periods {periods}: {macs} MACs per step, not below {previous}");
            Assert.Equal(0, b.RootElement.GetProperty("allocatedBytesPerStep").GetDouble());
            previous = macs;

            var inspect = CliProcess.Run("inspect", "--model", model, "--json");
            Assert.True(inspect.ExitCode == 0, inspect.StdErr);
            using var i = JsonDocument.Parse(inspect.StdOut);
            Assert.Equal(macs, i.RootElement.GetProperty("macsPerStep").GetDouble());
            var layer = i.RootElement.GetProperty("layers")[0];
            Assert.Equal("clockwork", layer.GetProperty("cell").GetString());
            Assert.Equal(periods, string.Join(',', layer.GetProperty("periods").EnumerateArray().Select(p => p.GetInt32())));
        }
        // 8 modules of 8 units with periods 1..128: the paper's model gives 1,040 MACs for the layer, plus the 384 of the head.
        Assert.Equal(1424, previous, 0);
    }

    [Fact]
    public void Periods_need_a_clockwork_shape()
    {
        var result = CliProcess.Run("bench", "--shape", "S", "--periods", "1,2");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no clockwork layer", result.StdErr);
    }
}
