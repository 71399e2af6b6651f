using EdgeLstm.Core.Model;
using EdgeLstm.Training.Data;
using EdgeLstm.Training.Optimization;

namespace EdgeLstm.Training.Tests;

/// <summary>
/// Training data that cannot train a classifier is refused up front with one line naming the
/// directory or file and the problem (docs/training.md "Training data guards").
/// </summary>
public class TrainingDataGuardTests
{
    private static string Directory(params (string Name, string Text)[] files)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("edgelstm-guard").FullName;
        foreach (var (name, text) in files) File.WriteAllText(Path.Combine(dir, name), text);
        return dir;
    }

    private static string Rows(string header, int count, Func<int, string> row) =>
        header + "\n" + string.Concat(Enumerable.Range(0, count).Select(t => row(t) + "\n"));

    [Fact]
    public void A_file_without_a_label_column_is_named()
    {
        var dir = Directory(("a.csv", "x,y,label\n1,2,up\n"), ("b.csv", "time,x,y\n0,1,2\n"));
        var e = Assert.Throws<FormatException>(() => RecordingDirectory.LoadLabelled(dir));
        Assert.Equal($"{Path.Combine(dir, "b.csv")}: no 'label' column (header: time,x,y); training needs each sample's class in a 'label' column", e.Message);
        Assert.Throws<FormatException>(() => RecordingDirectory.LoadSplit(dir));
        Assert.Single(RecordingDirectory.Load(dir).ClassNames); // eval and calibration do not need labels
    }

    [Fact]
    public void Files_whose_channels_differ_name_both_files_and_both_lists()
    {
        var dir = Directory(("a.csv", "x,y,label\n1,2,up\n"), ("b.csv", "x,z,label\n1,2,up\n"));
        var e = Assert.Throws<FormatException>(() => RecordingDirectory.LoadSplit(dir));
        Assert.Equal($"{Path.Combine(dir, "b.csv")}: channels x,z differ from {Path.Combine(dir, "a.csv")}'s x,y; every recording must name the same channels", e.Message);

        var test = Directory(("t.csv", "label,y,w\nup,1,2\n"));
        e = Assert.Throws<FormatException>(() => RecordingDirectory.LoadPair(Directory(("a.csv", "x,y,label\n1,2,up\n")), test));
        Assert.Contains($"{Path.Combine(test, "t.csv")}: channels y,w differ from ", e.Message);
    }

    [Fact]
    public void One_class_only_or_no_label_at_all_is_refused()
    {
        var one = RecordingDirectory.LoadLabelled(Directory(("a.csv", Rows("x,label", 200, t => $"{t},walk"))));
        var e = Assert.Throws<ArgumentException>(() => TrainingSetGuard.Check(one, new TrainerOptions()));
        Assert.EndsWith(": only one class ('walk') among the labels of its one recording (a); a classifier needs at least two", e.Message);

        var none = RecordingDirectory.LoadLabelled(Directory(("a.csv", Rows("x,label", 200, t => $"{t},"))));
        e = Assert.Throws<ArgumentException>(() => Trainer.Train(none, null, new TrainerOptions()));
        Assert.Contains("no sample has a label", e.Message);
    }

    [Fact]
    public void Recordings_shorter_than_a_window_say_how_long_they_are()
    {
        var data = RecordingDirectory.LoadLabelled(Directory(
            ("a.csv", Rows("x,label", 40, t => $"{t},{(t < 20 ? "up" : "down")}")),
            ("b.csv", Rows("x,label", 90, t => $"{t},up"))));
        var e = Assert.Throws<ArgumentException>(() => TrainingSetGuard.Check(data, new TrainerOptions { Window = 128 }));
        Assert.EndsWith(": its longest recording (b) has 90 samples, one window needs 128; record longer or give a smaller --window", e.Message);
        TrainingSetGuard.Check(data, new TrainerOptions { Window = 64 });
        TrainingSetGuard.Check(data, new TrainerOptions { Mode = ClassificationMode.Streaming });
    }

    [Fact]
    public void Labelled_segments_shorter_than_a_window_are_named_when_windows_lie_inside_segments()
    {
        var data = RecordingDirectory.LoadLabelled(Directory(("a.csv", Rows("x,label", 200, t => $"{t},{(t % 40 < 20 ? "up" : "down")}"))));
        var e = Assert.Throws<ArgumentException>(() => TrainingSetGuard.Check(data, new TrainerOptions { Window = 32 }));
        Assert.EndsWith(": its longest labelled segment ('up' in a) has 20 samples, one window needs 32 inside one segment; " +
                        "record longer segments, give a smaller --window, or --window-labels last", e.Message);
        TrainingSetGuard.Check(data, new TrainerOptions { Window = 32, LabelByLastSample = true });
    }
}
