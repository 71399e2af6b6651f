namespace EdgeLstm.Cli.Tests;

/// <summary>
/// One reader for recording files everywhere: the same labelled excerpt of a real recording
/// written with commas, tabs and runs of spaces gives identical output through `replay`, `infer`,
/// `eval`, `quantize --calibration` and `train`. Each variant is written into the same directory
/// in turn, so even the paths the outputs and model files mention are the same.
/// </summary>
public class RecordingSeparatorCommandTests
{
    private static readonly Lazy<(string Header, string[] Standing, string[] Sitting)> Rows = new(() =>
    {
        var lines = File.ReadAllLines(Path.Combine(CliProcess.RepoRoot, "firmware-samples/recordings/hapt-exp03-user02.csv"));
        string[] Of(string label) => [.. lines.Where(l => l.EndsWith("," + label)).Take(400)];
        return (lines[0], Of("standing"), Of("sitting"));
    });

    private static void WriteVariant(string dir, string separator)
    {
        var (header, standing, sitting) = Rows.Value;
        void Write(string name, IEnumerable<string> rows) =>
            File.WriteAllLines(Path.Combine(dir, name), new[] { header }.Concat(rows).Select(l => l.Replace(",", separator)));
        Write("a.csv", standing);
        Write("b.csv", sitting);
        Write("c.csv", [.. standing[..200], .. sitting[..200]]);
    }

    private static List<string> Outputs(string dir, string output)
    {
        string c = Path.Combine(dir, "c.csv");
        var results = new List<string>();
        void Run(params string[] args)
        {
            var run = CliProcess.Run(args);
            Assert.True(run.ExitCode == 0, $"{string.Join(' ', args)}: {run.StdErr}");
            results.Add(run.StdOut);
        }
        Run("replay", c, "--max-speed");
        Run("infer", "-i", c);
        Run("eval", "--test", dir, "--protocol", "streaming");
        Run("quantize", Path.Combine(CliProcess.RepoRoot, "models/default.elstm"), "--calibration", dir, "--strategy", "minmax", "-o", output);
        results.Add(Convert.ToBase64String(File.ReadAllBytes(output)));
        Run("train", "--train", dir, "--hidden", "4", "--layers", "1", "--epochs", "1", "--window", "32", "--hop", "32", "--batch", "8", "-o", output);
        results[^1] = string.Join('\n', results[^1].Split('\n').Where(l => l.Contains("accuracy"))); // without the timings
        results.Add(Convert.ToBase64String(File.ReadAllBytes(output)));
        return results;
    }

    [Fact]
    public void Tabs_and_spaces_give_what_commas_give_in_every_command()
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-separators").FullName;
        string output = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-separators-out").FullName, "m.elstm");
        WriteVariant(dir, ",");
        var commas = Outputs(dir, output);
        Assert.Contains("standing", commas[1]);
        foreach (var separator in new[] { "\t", " ", "  " })
        {
            WriteVariant(dir, separator);
            var other = Outputs(dir, output);
            for (int i = 0; i < commas.Count; i++) Assert.True(commas[i] == other[i], $"output {i} differs with separator '{separator}'");
        }
    }
}
