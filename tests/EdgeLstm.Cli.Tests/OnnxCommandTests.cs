using Google.Protobuf;
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

    /// <summary>
    /// initial_h outside [-1, 1]: the integer engine's Q0.15 hidden state saturates it (docs/onnx.md), so
    /// its comparison is reported SKIP with the reason, not FAIL, while the float engine is still judged
    /// (exit 0 here; with the expected Y_h corrupted, FAIL and exit 1).
    /// </summary>
    [Fact]
    public void Onnx_test_reports_initial_hidden_states_outside_the_integer_contract_as_skip()
    {
        string dir = WriteOutOfContractCase();
        var result = CliProcess.Run("onnx-test", Path.Combine(SharedCases, "test_gru_defaults"), dir);
        Assert.True(result.ExitCode == 0, result.StdOut + result.StdErr);
        var lines = result.StdOut.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("test_gru_defaults Y_h PASS ", lines[0]);
        foreach (var (line, output) in lines[1..].Zip(new[] { "Y", "Y_h" }))
            Assert.Matches($@"^test_gru_initial_h_outside {output} SKIP float=\S+ int=\S+ floor=\S+ integer not judged: initial_h outside \[-1, 1\] in data set 0 \(max \|h\| 2\.\d+\): the integer engine's Q0\.15 hidden state saturates it, outside its contract$", line);

        var json = CliProcess.Run("onnx-test", "--json", dir);
        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.StdOut);
        Assert.All(doc.RootElement.GetProperty("results").EnumerateArray(), r =>
        {
            Assert.Equal("skip", r.GetProperty("status").GetString());
            Assert.False(r.GetProperty("pass").GetBoolean());
            Assert.Contains("initial_h outside [-1, 1]", r.GetProperty("reason").GetString());
            Assert.True(r.GetProperty("float").GetDouble() <= 1e-5);
        });
        Assert.Equal((0, 0, 2), (doc.RootElement.GetProperty("passed").GetInt32(), doc.RootElement.GetProperty("failed").GetInt32(), doc.RootElement.GetProperty("skipped").GetInt32()));

        // The float engine is still judged: a corrupted expected Y_h fails the case.
        string yh = Path.Combine(dir, "test_data_set_0", "output_1.pb");
        var expected = EdgeLstm.Onnx.Import.OnnxTensor.Read(yh);
        var values = expected.AsFloats();
        values[0] += 0.5f;
        File.WriteAllBytes(yh, new EdgeLstm.Onnx.Import.OnnxTensor(expected.Dims, values).ToProto("Y_h").ToByteArray());
        var failed = CliProcess.Run("onnx-test", dir);
        Assert.Equal(1, failed.ExitCode);
        Assert.StartsWith("test_gru_initial_h_outside Y SKIP ", failed.StdOut);
        Assert.Contains("\ntest_gru_initial_h_outside Y_h FAIL ", failed.StdOut);
    }

    /// <summary>
    /// A GRU node-test folder whose initial_h reaches ±2.5. Expected outputs are the float engine's,
    /// which the ONNX tests hold to ONNX Runtime within 1e-5 (RandomNodeCaseTests runs such cases there).
    /// </summary>
    private static string WriteOutOfContractCase()
    {
        const int steps = 6, batch = 2, inputs = 3, hidden = 4;
        var random = new Random(3);
        float[] Uniform(int n, float k) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1) * k).ToArray();
        var layer = CellVariant.CreateLayer("gru", inputs, hidden);
        foreach (var w in new[] { layer.W, layer.R, layer.Wb, layer.Rb }) Uniform(w.Length, 0.7f).CopyTo(w, 0);
        var x = new EdgeLstm.Onnx.Import.OnnxTensor([steps, batch, inputs], Uniform(steps * batch * inputs, 2f));
        var h0 = Uniform(batch * hidden, 1f);
        h0[1] = 2.5f;
        h0[6] = -1.75f;
        var initialH = new EdgeLstm.Onnx.Import.OnnxTensor([1, batch, hidden], h0);

        var g = new OnnxGraphs();
        g.Input("X", (int)EdgeLstm.Onnx.Proto.TensorProto.Types.DataType.Float, steps, batch, inputs);
        g.Input("initial_h", (int)EdgeLstm.Onnx.Proto.TensorProto.Types.DataType.Float, 1, batch, hidden);
        g.Recurrent(layer, "X", "", h0: "initial_h");
        var node = g.Graph.Node[^1];
        node.Output.Clear();
        node.Output.Add(["Y", "Y_h"]);
        g.Output("Y", steps, 1, batch, hidden);
        g.Output("Y_h", 1, batch, hidden);

        var initializers = g.Graph.Initializer.ToDictionary(t => t.Name, EdgeLstm.Onnx.Import.OnnxTensor.FromProto);
        var recurrent = EdgeLstm.Onnx.Import.RecurrentNodeReader.Read(node, name => initializers.GetValueOrDefault(name));
        var session = EdgeLstm.Onnx.Conformance.RecurrentSequenceRunner.SingleLayerModel(recurrent.Layer).CreateFloatSession();
        var outputs = EdgeLstm.Onnx.Conformance.RecurrentSequenceRunner.Run(recurrent, new(x, InitialH: initialH), new EdgeLstm.Onnx.Conformance.FloatLayerStepper(session));

        string dir = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-onnx-h0").FullName, "test_gru_initial_h_outside");
        string set = Directory.CreateDirectory(Path.Combine(dir, "test_data_set_0")).FullName;
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), g.ToBytes());
        File.WriteAllBytes(Path.Combine(set, "input_0.pb"), x.ToProto("X").ToByteArray());
        File.WriteAllBytes(Path.Combine(set, "input_1.pb"), initialH.ToProto("initial_h").ToByteArray());
        File.WriteAllBytes(Path.Combine(set, "output_0.pb"), outputs.Y.ToProto("Y").ToByteArray());
        File.WriteAllBytes(Path.Combine(set, "output_1.pb"), outputs.YH.ToProto("Y_h").ToByteArray());
        return dir;
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
