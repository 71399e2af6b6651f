using System.Text.Json;
using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;
using EdgeLstm.Training.Data;

namespace EdgeLstm.Cli.Tests;

/// <summary>
/// `eval`, `quantize` and `dataset` end to end on real data from the repository (the sample HAPT
/// recording in the user CSV format, and the compact HAPT copy) with a small random-weight model.
/// </summary>
public class DataCommandTests
{
    private static readonly Lazy<(string FloatModel, string DataDir)> Files = new(Create);

    private static string SampleCsv => Path.Combine(CliProcess.RepoRoot, "firmware-samples", "recordings", "hapt-exp03-user02.csv");

    private static (string, string) Create()
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-data-cli").FullName;
        var data = Directory.CreateDirectory(Path.Combine(dir, "recordings")).FullName;
        File.Copy(SampleCsv, Path.Combine(data, "session1.csv"));
        var model = RandomModels.Create(new NetworkShape("tiny", 6, [("gru", 10)], 6), 5);
        var meta = model.Metadata;
        meta.Labels.Clear();
        meta.Labels.AddRange(HaptClasses.Activities);
        meta.Channels.Clear();
        meta.Channels.AddRange(HaptClasses.Channels.Zip(HaptClasses.Units, (n, u) => new InputChannel(n, u)));
        NormalizationStatistics.Compute(RecordingDirectory.Load(data)).ApplyTo(meta);
        meta.Mode = ClassificationMode.Windowed;
        meta.Window = 128;
        meta.Hop = 64;
        string path = Path.Combine(dir, "float.elstm");
        ModelFileWriter.Save(model, path);
        return (path, data);
    }

    [Fact]
    public void Quantize_then_eval_a_users_csv_recordings()
    {
        var (floatModel, data) = Files.Value;
        string quantized = Path.Combine(Path.GetDirectoryName(floatModel)!, "q.elstm");
        var q = CliProcess.Run("quantize", floatModel, "--calibration", data, "-o", quantized, "--json");
        Assert.True(q.ExitCode == 0, q.StdErr);
        using (var doc = JsonDocument.Parse(q.StdOut))
        {
            var strategies = doc.RootElement.GetProperty("strategies").EnumerateArray().ToList();
            Assert.Equal(["minmax", "percentile", "mse"], strategies.Select(s => s.GetProperty("strategy").GetString()));
            Assert.All(strategies, s => Assert.InRange(s.GetProperty("accuracy").GetDouble(), 0, 1));
            Assert.Contains(doc.RootElement.GetProperty("chosen").GetString(), new[] { "minmax", "percentile", "mse" });
        }
        var model = ModelFileReader.Load(quantized);
        Assert.NotNull(model.Integer);
        Assert.NotNull(model.Float);
        Assert.Contains("calibrated on", model.Metadata.Property("quantization"));

        var eval = CliProcess.Run("eval", quantized, "--test", data, "--json");
        Assert.True(eval.ExitCode == 0, eval.StdErr);
        using var report = JsonDocument.Parse(eval.StdOut);
        var protocols = report.RootElement.GetProperty("protocols").EnumerateArray().ToList();
        Assert.Equal(["windowed", "streaming"], protocols.Select(p => p.GetProperty("protocol").GetString()));
        var windowed = protocols[0].GetProperty("engines");
        Assert.Equal(159, windowed.GetProperty("float").GetProperty("total").GetInt64());
        Assert.Equal(159, windowed.GetProperty("integer").GetProperty("total").GetInt64());
        Assert.Equal(6, windowed.GetProperty("integer").GetProperty("confusion").GetArrayLength());
        Assert.Equal(6, windowed.GetProperty("integer").GetProperty("classes").GetArrayLength());
        Assert.InRange(protocols[0].GetProperty("agreement").GetDouble(), 0, 1);
        // Streaming scores the samples inside six-activity segments only.
        int scored = File.ReadLines(SampleCsv).Skip(1).Count(l => HaptClasses.Activities.Contains(l[(l.LastIndexOf(',') + 1)..]));
        Assert.Equal(scored, protocols[1].GetProperty("engines").GetProperty("integer").GetProperty("total").GetInt64());

        var text = CliProcess.Run("eval", "--model", quantized, "--test", data, "--protocol", "windowed");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("macro-F1", text.StdOut);
        Assert.Contains("confusion matrix (integer)", text.StdOut);
        Assert.DoesNotContain("streaming protocol", text.StdOut);

        var check = CliProcess.Run("eval", quantized, "--test", data, "--protocol", "windowed", "--min-accuracy", "1.01");
        Assert.Equal(1, check.ExitCode);
    }

    [Fact]
    public void Eval_on_the_named_dataset_reads_the_compact_copy()
    {
        var (floatModel, _) = Files.Value;
        var eval = CliProcess.Run("eval", floatModel, "--dataset", "hapt", "--protocol", "windowed", "--json");
        Assert.True(eval.ExitCode == 0, eval.StdErr);
        using var report = JsonDocument.Parse(eval.StdOut);
        Assert.Equal(19, report.RootElement.GetProperty("recordings").GetInt32());
        var engines = report.RootElement.GetProperty("protocols")[0].GetProperty("engines");
        Assert.False(engines.TryGetProperty("integer", out _));
        Assert.True(engines.GetProperty("float").GetProperty("total").GetInt64() > 2000);
    }

    [Fact]
    public void Dataset_export_writes_recordings_in_the_csv_format()
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-export").FullName;
        var export = CliProcess.Run("dataset", "export", "--dataset", "hapt", "-r", "exp03-user02", "-o", dir);
        Assert.True(export.ExitCode == 0, export.StdErr);
        var file = Assert.Single(Directory.GetFiles(dir));
        Assert.Equal("hapt-exp03-user02.csv", Path.GetFileName(file));
        var exported = RecordingCsv.Read(file);
        var original = RecordingCsv.Read(SampleCsv);
        Assert.Equal(original.Labels, exported.Labels);
        Assert.Equal(original.Times, exported.Times);
        for (int i = 0; i < original.Samples.Length; i++) Assert.InRange(Math.Abs(exported.Samples[i] - original.Samples[i]), 0, 1.6e-4);
    }

    [Theory]
    [InlineData("eval")]
    [InlineData("quantize")]
    [InlineData("dataset")]
    [InlineData("dataset", "convert-hapt")]
    [InlineData("dataset", "export")]
    public void Help_exits_zero(params string[] command)
    {
        var help = CliProcess.Run([.. command, "--help"]);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Usage:", help.StdOut);
    }

    [Theory]
    [InlineData("eval", "--test", "/nonexistent-dir")]
    [InlineData("eval", "--dataset", "nope")]
    [InlineData("eval", "--dataset", "hapt", "--test", "/tmp")]
    [InlineData("eval", "--protocol", "sideways", "--dataset", "hapt")]
    [InlineData("quantize", "/nonexistent.elstm", "--dataset", "hapt", "-o", "/tmp/x.elstm")]
    [InlineData("quantize", "MODEL", "-o", "/tmp/x.elstm")]
    [InlineData("quantize", "MODEL", "--dataset", "hapt", "-o", "/tmp/x.elstm", "--strategy", "magic")]
    [InlineData("dataset", "convert-hapt", "/nonexistent-dir", "-o", "/tmp/x")]
    [InlineData("dataset", "export", "--dataset", "hapt", "-r", "exp99_user99", "-o", "/tmp/edgelstm-export-bad")]
    [InlineData("dataset", "export", "-o", "/tmp/edgelstm-export-bad")]
    public void Bad_arguments_exit_2_with_one_line(params string[] args)
    {
        var (floatModel, _) = Files.Value;
        var result = CliProcess.Run(args.Select(a => a == "MODEL" ? floatModel : a).ToArray());
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StdErr.Trim().Split('\n'));
        Assert.StartsWith("edgelstm: ", result.StdErr);
    }

    [Fact]
    public void Eval_with_a_file_of_other_channels_names_the_problem()
    {
        var (floatModel, _) = Files.Value;
        var dir = Directory.CreateTempSubdirectory("edgelstm-other").FullName;
        File.WriteAllText(Path.Combine(dir, "a.csv"), "x,y,label\n1,2,walking\n");
        var result = CliProcess.Run("eval", floatModel, "--test", dir);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("do not match the model's 6 inputs", result.StdErr);
        File.WriteAllText(Path.Combine(dir, "a.csv"), "x,y,label\n1,2,walking\n1,zz,\n");
        Assert.Contains("a.csv:3: y 'zz' is not a number", CliProcess.Run("eval", floatModel, "--test", dir).StdErr);
    }
}
