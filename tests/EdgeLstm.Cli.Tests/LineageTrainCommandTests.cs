using System.Text.Json;
using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Cli.Tests;

/// <summary>
/// `train --cell clockwork [--periods]`, `train --cell depth-gated` and `train --cell mut1` (MUT2, MUT3) end to end on a real HAPT
/// recording (tiny models, two epochs): both forms written, and `inspect` and `bench --model` run
/// on the result.
/// </summary>
public class LineageTrainCommandTests
{
    private static readonly Lazy<string> Recordings = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-lineage").FullName;
        var lines = File.ReadAllLines(Path.Combine(CliProcess.RepoRoot, "firmware-samples/recordings/hapt-exp03-user02.csv"));
        int per = (lines.Length - 1) / 5;
        for (int f = 0; f < 5; f++)
            File.WriteAllLines(Path.Combine(dir, $"part{f}.csv"), [lines[0], .. lines.Skip(1 + f * per).Take(per)]);
        return dir;
    });

    [Theory]
    [InlineData("clockwork", "windowed")]
    [InlineData("depth-gated", "streaming")]
    [InlineData("mut1", "windowed")]
    [InlineData("mut2", "streaming")]
    [InlineData("mut3", "windowed")]
    public void Trains_a_lineage_cell_that_inspect_and_bench_run(string cell, string mode)
    {
        string output = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-lineage-out").FullName, "m.elstm");
        List<string> args = ["train", "--train", Recordings.Value, "--cell", cell, "--hidden", "8", "--layers", "2", "--epochs", "2",
            "--window", "32", "--hop", "32", "--chunk", "50", "--batch", "8", "--mode", mode, "--seed", "3", "-o", output];
        if (cell == "clockwork") args.AddRange(["--periods", "1,3"]);
        var run = CliProcess.Run([.. args]);
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("test accuracy: float", run.StdOut);

        var model = ModelFileReader.Load(output);
        Assert.NotNull(model.Integer);
        var layers = model.Float!.Layers;
        if (cell == "clockwork")
            Assert.All(layers, l => Assert.Equal([1, 3], l.Periods!));
        else if (cell == "depth-gated")
            Assert.Equal(["lstm", "depth-gated"], layers.Select(l => l.VariantName));
        else
            Assert.All(layers, l => Assert.Equal(cell, l.VariantName));

        var inspect = CliProcess.Run("inspect", "--model", output, "--json");
        Assert.True(inspect.ExitCode == 0, inspect.StdErr);
        using var i = JsonDocument.Parse(inspect.StdOut);
        Assert.Equal(cell, i.RootElement.GetProperty("layers")[1].GetProperty("cell").GetString());
        double macs = i.RootElement.GetProperty("macsPerStep").GetDouble();

        var bench = CliProcess.Run("bench", "--model", output, "--steps", "100000", "--json");
        Assert.True(bench.ExitCode == 0, bench.StdErr);
        using var b = JsonDocument.Parse(bench.StdOut);
        Assert.Equal(macs, b.RootElement.GetProperty("macsPerStep").GetDouble());
        Assert.Equal(0, b.RootElement.GetProperty("allocatedBytesPerStep").GetDouble());
    }

    [Theory]
    [InlineData("lstm", "--periods", "1,2", "clockwork cell only")]
    [InlineData("clockwork", "--periods", "1,2,4", "equal modules")]
    [InlineData("clockwork", "--periods", "2,1", "strictly increasing")]
    [InlineData("depth-gated", "--layers", "1", "at least 2 layers")]
    public void Bad_lineage_arguments_exit_2_with_one_line(string cell, string option, string value, string reason)
    {
        var run = CliProcess.Run("train", "--train", Recordings.Value, "--cell", cell, "--hidden", "8", option, value,
            "-o", Path.Combine(Path.GetTempPath(), "never.elstm"));
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.StdErr.Trim().Split('\n'));
        Assert.Contains(reason, run.StdErr);
    }
}
