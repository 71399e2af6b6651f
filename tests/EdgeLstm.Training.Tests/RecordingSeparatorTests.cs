using EdgeLstm.Training.Data;

namespace EdgeLstm.Training.Tests;

/// <summary>
/// A recording written with tabs or with runs of spaces reads as the same samples, labels and
/// times as with commas (the one reader, as the live decoder accepts them).
/// </summary>
public class RecordingSeparatorTests
{
    /// <summary>The labelled rows of the real sample recording (an empty label cannot be told apart with spaces).</summary>
    private static readonly Lazy<string[]> CommaLines = new(() =>
    {
        var lines = File.ReadAllLines(DataRepoFiles.SampleCsv);
        return [lines[0], .. lines.Skip(1).Where(l => !l.EndsWith(',')).Take(1500)];
    });

    public static string Write(string dir, string name, IEnumerable<string> lines, string separator)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllLines(path, lines.Select(l => l.Replace(",", separator)));
        return path;
    }

    [Theory]
    [InlineData("\t")]
    [InlineData(" ")]
    [InlineData("   ")]
    public void Tabs_and_spaces_read_as_commas(string separator)
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-sep").FullName;
        var comma = RecordingCsv.Read(Write(dir, "comma.csv", CommaLines.Value, ","));
        var other = RecordingCsv.Read(Write(dir, "other.csv", CommaLines.Value, separator));
        Assert.Equal(1500, comma.Length);
        Assert.Equal(comma.Channels, other.Channels);
        Assert.Equal(comma.Samples, other.Samples);
        Assert.Equal(comma.Labels, other.Labels);
        Assert.Equal(comma.Times!, other.Times!);
    }

    [Fact]
    public void A_directory_of_tab_separated_files_is_the_same_dataset()
    {
        var commas = Directory.CreateTempSubdirectory("edgelstm-sep").FullName;
        var tabs = Directory.CreateTempSubdirectory("edgelstm-sep").FullName;
        var lines = CommaLines.Value;
        foreach (var (dir, sep) in new[] { (commas, ","), (tabs, "\t") })
        {
            Write(dir, "a.csv", lines[..700], sep);
            Write(dir, "b.csv", [lines[0], .. lines[700..]], sep);
        }
        var a = RecordingDirectory.Load(commas);
        var b = RecordingDirectory.Load(tabs);
        Assert.Equal(a.ClassNames, b.ClassNames);
        Assert.Equal(a.SampleRateHz, b.SampleRateHz);
        Assert.Equal(a.Recordings.Select(r => r.Samples), b.Recordings.Select(r => r.Samples));
        Assert.Equal(a.Recordings.Select(r => r.Labels), b.Recordings.Select(r => r.Labels));
    }

    [Fact]
    public void A_directory_of_tsv_files_is_told_to_name_them_csv()
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-sep").FullName;
        File.WriteAllText(Path.Combine(dir, "walk.tsv"), "x\tlabel\n1\tup\n");
        var e = Assert.Throws<FileNotFoundException>(() => RecordingDirectory.Files(dir));
        Assert.Equal($"{dir}: no *.csv recordings (found walk.tsv: recordings are named *.csv whatever their separator; rename it)", e.Message);
    }

    [Fact]
    public void A_byte_order_mark_and_crlf_line_ends_are_ignored()
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-sep").FullName;
        string path = Path.Combine(dir, "excel.csv");
        File.WriteAllText(path, "time;x\r\n".Replace(";", "\t") + "0\t1.5\r\n", new System.Text.UTF8Encoding(true));
        var r = RecordingCsv.Read(path);
        Assert.Equal(["x"], r.Channels);
        Assert.Equal([1.5f], r.Samples);
    }
}
