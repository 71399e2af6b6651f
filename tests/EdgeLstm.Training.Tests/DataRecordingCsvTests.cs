using System.Globalization;
using EdgeLstm.Training.Data;

namespace EdgeLstm.Training.Tests;

public class DataRecordingCsvTests
{
    [Fact]
    public void Reads_the_real_sample_recording()
    {
        var c = RecordingCsv.Read(DataRepoFiles.SampleCsv);
        Assert.Equal(["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z"], c.Channels);
        Assert.Equal(18026, c.Length);
        Assert.Equal(18026 * 6, c.Samples.Length);
        Assert.Equal(0.4138889059802831f, c.Samples[0]);
        Assert.Equal(-0.04245513305068016f, c.Samples[5]);
        Assert.Equal(360.5, c.Times![^1], 9);
        // Counts from the file's label column (cut -d, -f8 | sort | uniq -c).
        Assert.Equal(5028, c.Labels.Count(l => l is null));
        Assert.Equal(2141, c.Labels.Count(l => l == "walking"));
        Assert.Equal(157, c.Labels.Count(l => l == "stand_to_sit"));
    }

    [Fact]
    public void A_directory_collects_classes_in_ordinal_order_and_estimates_the_rate()
    {
        var dir = DataRepoFiles.TempDirectoryWithSample();
        var data = RecordingDirectory.Load(dir);
        Assert.Equal(50f, data.SampleRateHz);
        Assert.Equal(12, data.ClassCount);
        Assert.Equal(data.ClassNames.Order(StringComparer.Ordinal), data.ClassNames);
        var r = Assert.Single(data.Recordings);
        Assert.Equal("hapt-exp03-user02", r.Name);
        Assert.Equal(2141, r.Labels.Count(l => l >= 0 && data.ClassNames[l] == "walking"));
    }

    [Fact]
    public void Channels_are_matched_by_name_across_files()
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-csv").FullName;
        File.WriteAllText(Path.Combine(dir, "a.csv"), "x,y,label\n1,2,up\n3,4,\n");
        File.WriteAllText(Path.Combine(dir, "b.csv"), "# comment\nlabel,y,x\ndown,20,10\n");
        var data = RecordingDirectory.Load(dir);
        Assert.Equal(["x", "y"], data.Channels);
        Assert.Equal(["down", "up"], data.ClassNames);
        Assert.Equal([1f, 2f, 3f, 4f], data.Recordings[0].Samples);
        Assert.Equal([1, Recording.Unlabelled], data.Recordings[0].Labels);
        Assert.Equal([10f, 20f], data.Recordings[1].Samples);
        Assert.Equal([0], data.Recordings[1].Labels);
        Assert.Equal(0f, data.SampleRateHz);
    }

    [Theory]
    [InlineData("x,y\n1,2\n3\n", "bad.csv:3: 1 fields, the header names 2 columns")]
    [InlineData("x,y\n1,abc\n", "bad.csv:2: y 'abc' is not a number")]
    [InlineData("x,y\n1,NaN\n", "bad.csv:2: y 'NaN' is not a finite number")]
    [InlineData("1,2\n3,4\n", "bad.csv:1: the first row must be a header")]
    [InlineData("x,X\n1,2\n", "bad.csv:1: header names column 'X' twice")]
    [InlineData("time,label\n0,a\n", "bad.csv:1: header names no channel columns")]
    [InlineData("time,x\nsoon,1\n", "bad.csv:2: time 'soon' is not a number")]
    [InlineData("\n# nothing\n", "bad.csv: no header row")]
    public void Bad_files_fail_naming_file_and_line(string text, string message)
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-csv").FullName;
        var path = Path.Combine(dir, "bad.csv");
        File.WriteAllText(path, text);
        var e = Assert.Throws<FormatException>(() => RecordingCsv.Read(path));
        Assert.StartsWith(Path.Combine(dir, message), e.Message);
    }

    [Fact]
    public void Files_with_other_channels_are_rejected_by_name()
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-csv").FullName;
        File.WriteAllText(Path.Combine(dir, "a.csv"), "x,y\n1,2\n");
        File.WriteAllText(Path.Combine(dir, "b.csv"), "x,z\n1,2\n");
        var e = Assert.Throws<FormatException>(() => RecordingDirectory.Load(dir));
        Assert.Contains("b.csv: channels x,z differ", e.Message);
        Assert.Throws<FileNotFoundException>(() => RecordingDirectory.Load(Directory.CreateTempSubdirectory("edgelstm-empty").FullName));
        Assert.Throws<DirectoryNotFoundException>(() => RecordingDirectory.Load(Path.Combine(dir, "missing")));
    }

    [Fact]
    public void Written_recordings_read_back_exactly()
    {
        var r = new Recording("r", 2, [0.1f, -2.5e-7f, float.MaxValue, 3f, 1f / 3, -0f], [1, Recording.Unlabelled, 0]);
        var text = new StringWriter { NewLine = "\n" };
        RecordingCsv.Write(text, r, ["a", "b"], ["x", "y"], 50);
        Assert.StartsWith("time,a,b,label\n0.00,0.1,-2.5E-07,y\n0.02,", text.ToString());
        var back = RecordingCsv.Read(new StringReader(text.ToString()), "mem");
        Assert.Equal(r.Samples, back.Samples);
        Assert.Equal(new string?[] { "y", null, "x" }.AsEnumerable(), back.Labels);
        Assert.Equal([0, 0.02, 0.04], back.Times!);
    }

    [Theory]
    [InlineData(0, 50f, "0.00")]
    [InlineData(18025, 50f, "360.50")]
    [InlineData(7, 100f, "0.07")]
    [InlineData(3, 3f, "1")]
    public void Times_are_formatted_exactly(long index, float rate, string expected) =>
        Assert.Equal(expected, RecordingCsv.FormatTime(index, rate));

    [Theory]
    [InlineData(2, new[] { 1 })]
    [InlineData(4, new[] { 3 })]
    [InlineData(5, new[] { 4 })]
    [InlineData(12, new[] { 4, 9 })]
    public void The_split_by_file_takes_every_fifth_file(int files, int[] test) =>
        Assert.Equal(test, RecordingDirectory.TestFileIndices(files).Order());

    [Fact]
    public void One_directory_splits_by_file_and_the_test_part_keeps_the_training_classes()
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-split").FullName;
        for (int i = 0; i < 6; i++)
            File.WriteAllText(Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"s{i}.csv")), $"x,label\n{i},{(i == 4 ? "rare" : "common")}\n");
        var split = RecordingDirectory.LoadSplit(dir);
        Assert.Equal(["s0", "s1", "s2", "s3", "s5"], split.Train.Recordings.Select(r => r.Name));
        Assert.Equal(["s4"], split.Test.Recordings.Select(r => r.Name));
        Assert.Equal(["common"], split.Test.ClassNames);
        Assert.Equal([Recording.Unlabelled], split.Test.Recordings[0].Labels);
    }
}
