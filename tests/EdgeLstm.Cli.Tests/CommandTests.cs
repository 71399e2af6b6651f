using System.Text.Json;
using EdgeLstm.Core.Format;

namespace EdgeLstm.Cli.Tests;

public class CommandTests
{
    [Fact]
    public void Version_and_help_exit_zero()
    {
        var version = CliProcess.Run("--version");
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.StdOut);
        foreach (var command in new[] { "bench", "infer", "inspect" })
        {
            var help = CliProcess.Run(command, "--help");
            Assert.Equal(0, help.ExitCode);
            Assert.Contains("--json", CliProcess.Run("bench", "--help").StdOut);
        }
    }

    [Theory]
    [InlineData("bench", "--shape", "X")]
    [InlineData("bench", "--shape", "S", "--steps", "10")]
    [InlineData("bench", "--shape", "S", "--model", "x.elstm")]
    [InlineData("infer", "--model", "/nonexistent.elstm", "--input", "/nonexistent.csv")]
    [InlineData("inspect", "--model", "/nonexistent.elstm")]
    [InlineData("no-such-command")]
    public void Bad_arguments_exit_2_with_one_line(params string[] args)
    {
        var result = CliProcess.Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StdErr.Trim().Split('\n'));
        Assert.StartsWith("edgelstm: ", result.StdErr);
    }

    [Fact]
    public void Corrupted_model_file_is_named_in_the_error()
    {
        var bytes = File.ReadAllBytes(Fixtures.ModelPath);
        bytes[^10] ^= 1;
        string path = Path.GetTempFileName();
        File.WriteAllBytes(path, bytes);
        var result = CliProcess.Run("inspect", "--model", path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("checksum mismatch", result.StdErr);
    }

    [Fact]
    public void Infer_prints_the_integer_engines_raw_logits_identically_on_every_kernel_path()
    {
        var vector = CliProcess.Run("infer", "--model", Fixtures.ModelPath, "--input", Fixtures.CsvPath);
        var scalar = CliProcess.Run("infer", "--model", Fixtures.ModelPath, "--input", Fixtures.CsvPath, "--scalar");
        Assert.Equal(0, vector.ExitCode);
        Assert.Equal(vector.StdOut, scalar.StdOut);
        var lines = vector.StdOut.TrimEnd('\n').Split('\n');
        Assert.Equal("t,label,walk,sit,stand,lie", lines[0]);
        Assert.Equal(501, lines.Length);

        // The raw values are the session's logits exactly.
        var model = ModelFileReader.Load(Fixtures.ModelPath);
        var session = model.CreateIntegerSession();
        var samples = File.ReadAllLines(Fixtures.CsvPath).Skip(1)
            .Select(l => l.Split(',')[1..7].Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToList();
        for (int t = 0; t < samples.Count; t++)
        {
            session.Step(samples[t]);
            Assert.Equal(string.Join(',', session.Logits.ToArray()), string.Join(',', lines[t + 1].Split(',')[2..]));
        }
    }

    [Fact]
    public void Infer_float_engine_agrees_on_most_decisions()
    {
        var integer = CliProcess.Run("infer", "--model", Fixtures.ModelPath, "--input", Fixtures.CsvPath).StdOut.Split('\n');
        var floating = CliProcess.Run("infer", "--model", Fixtures.ModelPath, "--input", Fixtures.CsvPath, "--engine", "float").StdOut.Split('\n');
        int agree = integer.Zip(floating).Count(p => p.First.Split(",").Take(2).SequenceEqual(p.Second.Split(",").Take(2)));
        Assert.True(agree >= 0.98 * integer.Length, $"{agree} of {integer.Length}");
    }

    [Fact]
    public void Inspect_reports_layers_parameters_and_cost()
    {
        var result = CliProcess.Run("inspect", "--model", Fixtures.ModelPath, "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var root = doc.RootElement;
        Assert.Equal(3, root.GetProperty("layers").GetArrayLength());
        Assert.Equal("lstm", root.GetProperty("layers")[0].GetProperty("cell").GetString());
        Assert.Equal("gru", root.GetProperty("layers")[1].GetProperty("cell").GetString());
        long macs = 4L * 24 * (6 + 24) + 3L * 20 * (24 + 20) + 20 * 4;
        Assert.Equal(macs, root.GetProperty("macsPerStep").GetInt64());
        Assert.Equal("float + integer", root.GetProperty("forms").GetString());
        Assert.Contains("walk", CliProcess.Run("inspect", "--model", Fixtures.ModelPath).StdOut);
    }

    [Fact]
    public void Integer_only_models_inspect_and_run_and_the_float_engine_says_why_not()
    {
        string stripped = Path.Combine(Path.GetTempPath(), $"stripped-{Guid.NewGuid():N}.elstm");
        ModelFileWriter.Save(ModelFileReader.Load(Fixtures.ModelPath).StripFloat(), stripped);
        var inspect = CliProcess.Run("inspect", "--model", stripped, "--json");
        Assert.Equal(0, inspect.ExitCode);
        Assert.Contains("integer only", JsonDocument.Parse(inspect.StdOut).RootElement.GetProperty("forms").GetString());
        var full = CliProcess.Run("infer", "--model", Fixtures.ModelPath, "--input", Fixtures.CsvPath);
        Assert.Equal(full.StdOut, CliProcess.Run("infer", "--model", stripped, "--input", Fixtures.CsvPath).StdOut);
        var floatRun = CliProcess.Run("infer", "--model", stripped, "--input", Fixtures.CsvPath, "--engine", "float");
        Assert.Equal(2, floatRun.ExitCode);
        Assert.Contains("no float network", floatRun.StdErr);
    }

    [Fact]
    public void Bench_json_reports_every_field_and_zero_allocations()
    {
        string saved = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.elstm");
        var result = CliProcess.Run("bench", "--shape", "S", "--json", "--steps", "100000", "--save-model", saved);
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var root = doc.RootElement;
        foreach (var field in new[] { "shape", "engine", "isa", "nsPerStep", "stepsPerSecond", "allocatedBytesPerStep", "macsPerStep", "gmacPerSecond" })
            Assert.True(root.TryGetProperty(field, out _), $"missing {field}");
        Assert.Equal("S", root.GetProperty("shape").GetString());
        Assert.Equal(0, root.GetProperty("allocatedBytesPerStep").GetDouble());
        Assert.Equal(4L * 32 * (9 + 32) + 32 * 6, root.GetProperty("macsPerStep").GetInt64());
        Assert.True(root.GetProperty("nsPerStep").GetDouble() > 0);
        Assert.NotNull(ModelFileReader.Load(saved).Integer);

        var onModel = CliProcess.Run("bench", "--model", saved, "--engine", "float", "--json", "--steps", "100000");
        Assert.Equal(0, onModel.ExitCode);
        Assert.Equal("float", JsonDocument.Parse(onModel.StdOut).RootElement.GetProperty("engine").GetString());
    }
}
