using System.Runtime.Intrinsics.X86;
using System.Text.Json;

namespace EdgeLstm.Cli.Tests;

/// <summary>`bench --peak` (issue 17): the measured multiply-accumulate peak and a model's floor against its single-stream step.</summary>
public class BenchPeakCommandTests
{
    [Fact]
    public void Bench_peak_measures_every_supported_form_and_the_floor_of_a_shape()
    {
        var result = CliProcess.Run("bench", "--peak", "--shape", "M", "--steps", "100000", "--json");
        Assert.True(result.ExitCode == 0, result.StdErr);
        var root = JsonDocument.Parse(result.StdOut).RootElement;
        var forms = root.GetProperty("forms").EnumerateArray().ToArray();
        Assert.Contains(forms, f => f.GetProperty("form").GetString()!.Contains("AVX2", StringComparison.Ordinal));
        foreach (var f in forms)
        {
            string name = f.GetProperty("form").GetString()!;
            bool supported = f.GetProperty("supported").GetBoolean();
            double gmac = f.GetProperty("gmacPerSecond").GetDouble(), perCycle = f.GetProperty("perCycle").GetDouble();
            if (!supported)
            {
                Assert.Equal(0, gmac);
                continue;
            }
            Assert.True(gmac > 0, name);
            if (X86Base.IsSupported) Assert.InRange(perCycle, 0.1, 8); // a handful per cycle at most, on any x86 core
        }
        Assert.Equal(Avx2.IsSupported, forms.Single(f => f.GetProperty("form").GetString() == "vpmaddwd+vpaddd ymm (AVX2)").GetProperty("supported").GetBoolean());
        if (X86Base.IsSupported) Assert.InRange(root.GetProperty("clockGhz").GetDouble(), 0.5, 8);

        // M: LSTM 64 + LSTM 64 over 9 inputs, 6 classes: 4*64*(9+64) + 4*64*(64+64) + 64*6 MACs.
        Assert.Equal(51_840, root.GetProperty("macsPerStep").GetDouble());
        string best = root.GetProperty("best").GetString()!;
        double bestGmac = forms.Single(f => f.GetProperty("form").GetString() == best).GetProperty("gmacPerSecond").GetDouble();
        double floor = root.GetProperty("floorNsPerStep").GetDouble();
        Assert.InRange(floor, 51_840 / bestGmac - 1, 51_840 / bestGmac + 1);
        Assert.True(root.GetProperty("multiplyFloorNsPerStep").GetDouble() <= floor + 1);
        double single = root.GetProperty("singleNsPerStep").GetDouble();
        Assert.Equal(floor <= single / 3, root.GetProperty("thirdReachable").GetBoolean());
    }

    [Theory]
    [InlineData("--peak --lanes 4", "--peak applies to the integer engine, without --lanes")]
    [InlineData("--peak --engine float", "--peak applies to the integer engine, without --lanes")]
    public void Bench_peak_refuses_bad_arguments(string arguments, string expected)
    {
        var result = CliProcess.Run(["bench", "--shape", "S", .. arguments.Split(' ')]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.StdErr);
    }
}
