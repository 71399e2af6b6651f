using System.Text.Json;
using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;
using EdgeLstm.Onnx.Tests;

namespace EdgeLstm.Cli.Tests;

/// <summary>`onnx-test` and `import-onnx` as a user runs them: output lines, JSON, exit codes.</summary>
public class OnnxCommandTests
{
    private static readonly string SharedCases = Path.Combine(CliProcess.RepoRoot, "tests", "data", "onnx-rnn");

    private static string[] CaseDirs => Directory.GetDirectories(SharedCases, "test_*").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Onnx_test_passes_the_shared_cases_one_line_per_case_and_output()
    {
        var result = CliProcess.Run(["onnx-test", .. CaseDirs]);
        Assert.Equal(0, result.ExitCode);
        var lines = result.StdOut.TrimEnd('\n').Split('\n');
        Assert.Equal(6, lines.Length);
        foreach (var (line, dir) in lines.Zip(CaseDirs))
            Assert.Matches($@"^{Path.GetFileName(dir)} Y_h PASS float=\S+ int=\S+ floor=\S+$", line);
    }

    [Fact]
    public void Onnx_test_json_reports_every_result()
    {
        var result = CliProcess.Run(["onnx-test", "--json", .. CaseDirs]);
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var results = doc.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(6, results.Count);
        Assert.All(results, r =>
        {
            Assert.True(r.GetProperty("pass").GetBoolean());
            Assert.True(r.GetProperty("float").GetDouble() <= 1e-5);
            Assert.True(r.GetProperty("int").GetDouble() <= r.GetProperty("floor").GetDouble() + 2e-3);
        });
        Assert.Equal(6, doc.RootElement.GetProperty("passed").GetInt32());
        Assert.Equal(0, doc.RootElement.GetProperty("failed").GetInt32());
    }

    [Fact]
    public void Onnx_test_exits_1_when_an_expected_output_disagrees()
    {
        // A copy of a passing case whose expected Y_h has one value's exponent corrupted.
        string dir = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-onnx-fail").FullName, "test_lstm_corrupted");
        Directory.CreateDirectory(Path.Combine(dir, "test_data_set_0"));
        string source = Path.Combine(SharedCases, "test_lstm_defaults");
        foreach (var f in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            File.Copy(f, Path.Combine(dir, Path.GetRelativePath(source, f)));
        string output = Path.Combine(dir, "test_data_set_0", "output_0.pb");
        File.SetAttributes(output, FileAttributes.Normal);
        var bytes = File.ReadAllBytes(output);
        bytes[^1] ^= 0x40; // raw_data is the last field: the high byte of the last float
        File.WriteAllBytes(output, bytes);

        var result = CliProcess.Run("onnx-test", Path.Combine(SharedCases, "test_gru_defaults"), dir);
        Assert.Equal(1, result.ExitCode);
        var lines = result.StdOut.TrimEnd('\n').Split('\n');
        Assert.StartsWith("test_gru_defaults Y_h PASS ", lines[0]);
        Assert.StartsWith("test_lstm_corrupted Y_h FAIL ", lines[1]);
    }

    [Theory]
    [InlineData("/nonexistent/onnx-case")]
    [InlineData("EMPTY")]
    public void Onnx_test_exits_2_on_an_unreadable_folder(string dir)
    {
        if (dir == "EMPTY") dir = Directory.CreateTempSubdirectory("edgelstm-onnx-empty").FullName;
        var result = CliProcess.Run("onnx-test", Path.Combine(SharedCases, "test_gru_defaults"), dir);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StdErr.Trim().Split('\n'));
        Assert.StartsWith("edgelstm: ", result.StdErr);
        Assert.Empty(result.StdOut);
    }

    [Fact]
    public void Import_onnx_calibrates_on_a_tab_or_space_separated_recording_as_on_the_comma_one()
    {
        string dir = Directory.CreateTempSubdirectory("edgelstm-import-sep").FullName;
        string onnx = Path.Combine(dir, "har.onnx");
        File.WriteAllBytes(onnx, TorchModel());
        string calibration = Directory.CreateDirectory(Path.Combine(dir, "calibration")).FullName;
        var lines = File.ReadAllLines(Path.Combine(CliProcess.RepoRoot, "firmware-samples", "recordings", "hapt-exp03-user02.csv"))
            .Take(1000).Select(l => l[..l.LastIndexOf(',')]).ToArray(); // without the label column: spaces cannot carry an empty label
        string model = Path.Combine(dir, "har.elstm");
        string? first = null;
        foreach (var separator in new[] { ",", "\t", "  " })
        {
            File.WriteAllLines(Path.Combine(calibration, "exp03.csv"), lines.Select(l => l.Replace(",", separator)));
            var result = CliProcess.Run("import-onnx", onnx, "-o", model, "--calibration", calibration, "--labels", "walk,up,down,sit,stand,lie",
                "--channels", "acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z", "--window", "128", "--hop", "64", "--sample-rate", "50");
            Assert.True(result.ExitCode == 0, result.StdErr);
            string bytes = Convert.ToBase64String(File.ReadAllBytes(model));
            first ??= bytes;
            Assert.True(first == bytes, $"the model calibrated on '{separator}'-separated data differs");
        }
    }

    [Fact]
    public void Import_onnx_writes_a_complete_model_with_its_integer_form()
    {
        string dir = Directory.CreateTempSubdirectory("edgelstm-import").FullName;
        string onnx = Path.Combine(dir, "har.onnx");
        File.WriteAllBytes(onnx, TorchModel());
        string calibration = Directory.CreateDirectory(Path.Combine(dir, "calibration")).FullName;
        File.Copy(Path.Combine(CliProcess.RepoRoot, "firmware-samples", "recordings", "hapt-exp03-user02.csv"), Path.Combine(calibration, "exp03.csv"));
        string model = Path.Combine(dir, "har.elstm");

        var result = CliProcess.Run("import-onnx", onnx, "-o", model, "--calibration", calibration,
            "--labels", "walk,up,down,sit,stand,lie", "--channels", "acc_x:g,acc_y:g,acc_z:g,gyro_x:rad/s,gyro_y:rad/s,gyro_z:rad/s",
            "--window", "128", "--hop", "64", "--sample-rate", "50");
        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains("lstm 6->16 + lstm 16->16, dense 16->6 on the last step", result.StdOut);

        var loaded = ModelFileReader.Load(model);
        Assert.NotNull(loaded.Float);
        Assert.NotNull(loaded.Integer);
        Assert.Equal(["walk", "up", "down", "sit", "stand", "lie"], loaded.Metadata.Labels);
        Assert.Equal("gyro_z", loaded.Metadata.Channels[5].Name);
        Assert.Equal("rad/s", loaded.Metadata.Channels[5].Unit);
        Assert.Equal(ClassificationMode.Windowed, loaded.Metadata.Mode);
        Assert.Equal((128, 64), (loaded.Metadata.Window, loaded.Metadata.Hop));
        Assert.Equal(0.5f, loaded.Metadata.Mean[0]); // the graph's Sub(mean) became the model's normalization
        Assert.Equal(2f, loaded.Metadata.Std[0]);

        // The recording's columns map to the channels by name, and the model runs.
        var infer = CliProcess.Run("infer", "--model", model, "--input", Path.Combine(calibration, "exp03.csv"));
        Assert.Equal(0, infer.ExitCode);
        Assert.StartsWith("t,label,walk,up,down,sit,stand,lie\n", infer.StdOut);
    }

    [Fact]
    public void Import_onnx_rejects_an_unsupported_node_by_name_with_exit_2()
    {
        string dir = Directory.CreateTempSubdirectory("edgelstm-import-bad").FullName;
        string onnx = Path.Combine(dir, "bad.onnx");
        var g = new OnnxGraphs();
        g.Input("x", 1, -1, 1, 6);
        var (y, _, _) = g.Recurrent(CellVariant.CreateLayer("gru", 6, 4), "x", "gru_");
        g.Node("Relu", [y], ["relu_out"]).Name = "activation_1";
        g.Output("relu_out", -1, 1, 1, 4);
        File.WriteAllBytes(onnx, g.ToBytes());
        var result = CliProcess.Run("import-onnx", onnx, "-o", Path.Combine(dir, "bad.elstm"));
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StdErr.Trim().Split('\n'));
        Assert.Contains("node 'activation_1' (Relu)", result.StdErr);
        Assert.False(File.Exists(Path.Combine(dir, "bad.elstm")));

        var missingWindow = CliProcess.Run("import-onnx", Path.Combine(dir, "missing.onnx"), "-o", Path.Combine(dir, "x.elstm"));
        Assert.Equal(2, missingWindow.ExitCode);
    }

    private static byte[] TorchModel()
    {
        var random = new Random(3);
        RecurrentLayer Layer(int inputs)
        {
            var l = CellVariant.CreateLayer("lstm", inputs, 16);
            foreach (var m in new[] { l.W, l.R, l.Wb, l.Rb })
                for (int i = 0; i < m.Length; i++) m[i] = (float)(random.NextDouble() - 0.5);
            return l;
        }
        var head = new DenseLayer(16, 6);
        for (int i = 0; i < head.W.Length; i++) head.W[i] = (float)(random.NextDouble() - 0.5);
        return ExporterPatterns.TorchStackedLstmLastStep(Layer(6), Layer(16), head, [0.5f, 0, 1, 0, 0, 0], [2f, 1, 1, 1, 1, 1]);
    }
}
