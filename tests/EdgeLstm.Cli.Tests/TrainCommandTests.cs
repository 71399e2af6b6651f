using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Cli.Tests;

/// <summary>`edgelstm train` end to end on a real HAPT recording cut into five files (split by file: the fifth is the test file).</summary>
public class TrainCommandTests
{
    internal static readonly Lazy<string> Recordings = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-train").FullName;
        var lines = File.ReadAllLines(Path.Combine(CliProcess.RepoRoot, "firmware-samples/recordings/hapt-exp03-user02.csv"));
        int per = (lines.Length - 1) / 5;
        for (int f = 0; f < 5; f++)
            File.WriteAllLines(Path.Combine(dir, $"part{f}.csv"), [lines[0], .. lines.Skip(1 + f * per).Take(per)]);
        return dir;
    });

    [Theory]
    [InlineData("windowed", "lstm")]
    [InlineData("streaming", "gru")]
    public void Trains_quantizes_and_writes_both_forms_reproducibly(string mode, string cell)
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-train-out").FullName;
        string[] Args(string output) =>
            ["train", "--train", Recordings.Value, "--cell", cell, "--hidden", "6", "--layers", "2", "--epochs", "2", "--window", "32",
             "--hop", "32", "--chunk", "50", "--batch", "8", "--mode", mode, "--seed", "3", "-o", output];
        string first = Path.Combine(dir, "model.elstm");
        var run = CliProcess.Run(Args(first));
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("epoch   2", run.StdOut);
        Assert.Contains("test accuracy: float", run.StdOut);

        var model = ModelFileReader.Load(first);
        Assert.NotNull(model.Float);
        Assert.NotNull(model.Integer);
        var m = model.Metadata;
        Assert.Equal(mode == "streaming" ? ClassificationMode.Streaming : ClassificationMode.Windowed, m.Mode);
        Assert.Equal(["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z"], m.Channels.Select(c => c.Name));
        Assert.Contains("walking", m.Labels);
        Assert.Equal(6, m.Mean.Length);
        Assert.All(m.Std, s => Assert.True(s > 0));
        Assert.StartsWith("edgelstm train --train", m.Property("training.command"));
        Assert.NotNull(m.Property("test.integer_accuracy"));

        // The same command again (the command line is in the metadata, so same output path too): same bytes.
        var bytes = File.ReadAllBytes(first);
        File.Delete(first);
        Assert.Equal(0, CliProcess.Run(Args(first)).ExitCode);
        Assert.Equal(bytes, File.ReadAllBytes(first));
    }

    [Fact]
    public void A_preset_supplies_the_recipe_and_explicit_options_override_it()
    {
        // The default preset (the shipped model's recipe) on the user's data, shrunk to a tiny budget by explicit options.
        string output = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-preset").FullName, "preset.elstm");
        var run = CliProcess.Run(["train", "--preset", "default", "--train", Recordings.Value, "--hidden", "4", "--layers", "1", "--epochs", "1",
            "--window", "32", "--hop", "32", "--label-steps", "8", "--batch", "8", "-o", output]);
        Assert.True(run.ExitCode == 0, run.StdErr);
        var m = ModelFileReader.Load(output).Metadata;
        Assert.Equal(16, m.Hop);                       // from the preset (--model-hop 16)
        Assert.Equal("lstm-1x4", m.Name);              // the explicit --hidden and --layers won
        Assert.Equal("1", m.Property("training.epochs"));
        Assert.StartsWith("edgelstm train --preset default", m.Property("training.command"));
        Assert.Equal(2, CliProcess.Run(["train", "--preset", "nosuch", "-o", output]).ExitCode);
    }

    [Theory]
    [InlineData("--cell", "elman")]
    [InlineData("--hidden", "0")]
    [InlineData("--train", "/nonexistent/recordings")]
    [InlineData("--class-weights", "1,x")]
    public void Bad_arguments_exit_2_with_one_line(string option, string value)
    {
        var args = new List<string> { "train", "--train", Recordings.Value, "-o", Path.Combine(Path.GetTempPath(), "never.elstm") };
        int at = args.IndexOf(option);
        if (at >= 0) args[at + 1] = value; else args.AddRange([option, value]);
        var run = CliProcess.Run([.. args]);
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.StdErr.Trim().Split('\n'));
    }
}
