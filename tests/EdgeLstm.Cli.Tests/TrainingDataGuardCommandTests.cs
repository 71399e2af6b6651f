using System.Globalization;

namespace EdgeLstm.Cli.Tests;

/// <summary>
/// `edgelstm train` on data it cannot train on: one line on stderr naming the directory or file
/// and the problem, exit 2; one recording and no `--test`: a warning that there is no test split,
/// then training (docs/training.md "Training data guards").
/// </summary>
public class TrainingDataGuardCommandTests
{
    private static string Fixture(params (string Name, string Text)[] files)
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-guard").FullName;
        foreach (var (name, text) in files) File.WriteAllText(Path.Combine(dir, name), text);
        return dir;
    }

    private static string Rows(string header, int count, Func<int, string> label) =>
        header + "\n" + string.Concat(Enumerable.Range(0, count).Select(t =>
            string.Create(CultureInfo.InvariantCulture, $"{t * 0.02:F2},{MathF.Sin(t * 0.3f)},{MathF.Cos(t * 0.1f)},{label(t)}\n")));

    private static string Alternating(int t) => t / 50 % 2 == 0 ? "up" : "down";

    private static ProcessResult Train(string dir, params string[] extra) =>
        CliProcess.Run(["train", "--train", dir, "--hidden", "2", "--layers", "1", "--epochs", "1", "--window", "32", "--hop", "32", "--batch", "4",
                        "-o", Path.Combine(Directory.CreateTempSubdirectory("edgelstm-guard-out").FullName, "m.elstm"), .. extra]);

    private static string RefusedWith(ProcessResult run)
    {
        Assert.Equal(2, run.ExitCode);
        var lines = run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("edgelstm: ", line);
        return line;
    }

    /// <summary>Issue 16: the model's hop may not exceed its window (the samples between would never be classified); said before training.</summary>
    [Fact]
    public void A_hop_beyond_the_window_is_refused_before_training()
    {
        var dir = Fixture(("a.csv", Rows("time,x,y,label", 200, Alternating)), ("b.csv", Rows("time,x,y,label", 200, Alternating)));
        string line = RefusedWith(Train(dir, "--model-hop", "40"));
        Assert.StartsWith("edgelstm: the model's hop of 40 samples exceeds its window of 32", line, StringComparison.Ordinal);
    }

    [Fact]
    public void No_label_column()
    {
        var dir = Fixture(("a.csv", Rows("time,x,y,label", 200, Alternating)), ("b.csv", Rows("time,x,y,z", 200, _ => "0")));
        string line = RefusedWith(Train(dir));
        Assert.Equal($"edgelstm: {Path.Combine(dir, "b.csv")}: no 'label' column (header: time,x,y,z); training needs each sample's class in a 'label' column", line);
    }

    [Fact]
    public void No_labelled_sample()
    {
        var dir = Fixture(("a.csv", Rows("time,x,y,label", 200, _ => "")), ("b.csv", Rows("time,x,y,label", 200, _ => "")));
        Assert.Contains("no sample has a label", RefusedWith(Train(dir)));
    }

    [Fact]
    public void One_class_only()
    {
        var dir = Fixture(("a.csv", Rows("time,x,y,label", 200, _ => "walk")), ("b.csv", Rows("time,x,y,label", 200, _ => "walk")));
        Assert.Equal($"edgelstm: {dir} (train): only one class ('walk') among the labels of its one recording (a); a classifier needs at least two", RefusedWith(Train(dir)));
    }

    [Fact]
    public void One_recording_of_one_class_is_refused_without_the_no_test_split_warning()
    {
        var dir = Fixture(("only.csv", Rows("time,x,y,label", 200, _ => "walk")));
        Assert.Equal($"edgelstm: {dir}: only one class ('walk') among the labels of its one recording (only); a classifier needs at least two", RefusedWith(Train(dir)));
    }

    [Fact]
    public void Channels_differ_between_files()
    {
        var dir = Fixture(("a.csv", Rows("time,x,y,label", 200, Alternating)), ("b.csv", Rows("time,x,w,label", 200, Alternating)));
        Assert.Equal($"edgelstm: {Path.Combine(dir, "b.csv")}: channels x,w differ from {Path.Combine(dir, "a.csv")}'s x,y; every recording must name the same channels",
            RefusedWith(Train(dir)));
    }

    [Fact]
    public void Too_short_for_one_window()
    {
        var dir = Fixture(("a.csv", Rows("time,x,y,label", 20, t => t < 10 ? "up" : "down")), ("b.csv", Rows("time,x,y,label", 25, Alternating)));
        Assert.Equal($"edgelstm: {dir} (train): its one recording (a) has 20 samples, one window needs 32; record longer or give a smaller --window",
            RefusedWith(Train(dir)));
    }

    [Fact]
    public void Tab_separated_training_data_is_read()
    {
        var dir = Fixture(("a.tsv.csv", Rows("time,x,y,label", 300, Alternating).Replace(',', '\t')), ("b.csv", Rows("time,x,y,label", 300, Alternating).Replace(',', '\t')));
        var run = Train(dir);
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("test accuracy", run.StdOut);
    }

    [Fact]
    public void One_recording_without_test_says_there_is_no_test_split_and_trains()
    {
        var dir = Fixture(("only.csv", Rows("time,x,y,label", 300, Alternating)));
        var run = Train(dir);
        Assert.True(run.ExitCode == 0, run.StdErr);
        var line = Assert.Single(run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"edgelstm: warning: {dir} holds one recording (only.csv), so there is no test split:", line);
        Assert.DoesNotContain("test accuracy", run.StdOut);
    }
}
