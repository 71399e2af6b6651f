using System.Globalization;
using System.Text;
using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;
using EdgeLstm.Core.Quantization;

namespace EdgeLstm.Cli.Tests;

/// <summary>
/// The shipped NativeAOT binaries (built by ./publish.sh, which test.sh runs first): the linux-arm64
/// build under qemu-aarch64 must print byte-identical integer outputs to the x86-64 build, for a
/// model stacking every cell variant, on both its vector (AdvSimd) and scalar paths; so must the
/// x86-64-v2 build, whose Vector128 kernels run without AVX2.
/// </summary>
public class CrossArchitectureTests
{
    private static string Binary(string target)
    {
        string path = Path.Combine(CliProcess.RepoRoot, "dist", target, "edgelstm");
        Assert.True(File.Exists(path), $"{path} is missing: run ./publish.sh {target} (test.sh does)");
        return path;
    }

    [Fact]
    public void Arm64_build_under_qemu_prints_byte_identical_integer_outputs()
    {
        var (model, csv) = WriteEveryVariantCase();
        AssertEveryBuildPrintsTheSame(model, csv);
    }

    /// <summary>
    /// MUT1, MUT2 and MUT3 (issue 16): stacked so that each meets an input narrower, equal to and
    /// wider than its hidden size (the cyclic input map of MUT1 and MUT2 in all three forms).
    /// </summary>
    [Fact]
    public void Arm64_build_runs_the_mut_cells_byte_identically()
    {
        var (model, csv) = WriteCase("mut", new NetworkShape("mut", 9, [("mut1", 17), ("mut2", 17), ("mut3", 12), ("mut1", 12), ("mut2", 8)], 6));
        AssertEveryBuildPrintsTheSame(model, csv);
    }

    /// <summary>
    /// The attention head (issue 8): a GRU + LSTM stack pooling over 64 steps, run over 800 samples
    /// without a reset so the ring of hidden states wraps; `infer` reads the logits after every
    /// step, so every step runs the integer softmax and the pooling kernel.
    /// </summary>
    [Fact]
    public void Arm64_build_pools_attention_byte_identically()
    {
        var (model, csv) = WriteCase("attention", new NetworkShape("attention", 9, [("gru", 23), ("lstm", 21)], 6, AttentionSteps: 64));
        AssertEveryBuildPrintsTheSame(model, csv);
    }

    /// <summary>
    /// Clockwork RNN (issue 8): the fused vector step over its module-block layout. Two stacked
    /// layers with the default periods: 40 units in 5 modules of 8 (1, 2, 4, 8, 16) and 36 in 4
    /// modules of 9 (blocks partly padded on every vector width); 800 steps span many cycles.
    /// </summary>
    [Fact]
    public void Arm64_build_runs_clockwork_byte_identically()
    {
        var (model, csv) = WriteCase("clockwork", new NetworkShape("clockwork", 9, [("clockwork", 40), ("clockwork", 36)], 6));
        AssertEveryBuildPrintsTheSame(model, csv);
    }

    /// <summary>
    /// `infer --engine int` over the 800-sample case: the linux-arm64 build under qemu-aarch64
    /// (AdvSimd and forced scalar), the x86-64-v2 build (SSE4.1 only: no AVX2 gathers or variable
    /// shifts) and the JIT build's scalar reference all print the x86-64-v3 build's bytes.
    /// </summary>
    private static void AssertEveryBuildPrintsTheSame(string model, string csv)
    {
        string[] args = ["infer", "--model", model, "--input", csv, "--engine", "int"];
        var x64 = CliProcess.RunExecutable(Binary("linux-x64"), args);
        Assert.True(x64.ExitCode == 0, x64.StdErr);
        Assert.Equal(801, x64.StdOut.TrimEnd('\n').Split('\n').Length);

        var qemuEnv = new Dictionary<string, string> { ["QEMU_LD_PREFIX"] = "/usr/aarch64-linux-gnu" };
        var arm64 = CliProcess.RunExecutable("qemu-aarch64", [Binary("linux-arm64"), .. args], qemuEnv);
        Assert.True(arm64.ExitCode == 0, arm64.StdErr);
        Assert.Equal(x64.StdOut, arm64.StdOut);
        Assert.Equal(x64.StdOut, CliProcess.RunExecutable("qemu-aarch64", [Binary("linux-arm64"), .. args, "--scalar"], qemuEnv).StdOut);
        Assert.Equal(x64.StdOut, CliProcess.RunExecutable(Binary("linux-x64-v2"), args).StdOut);
        Assert.Equal(x64.StdOut, CliProcess.Run([.. args, "--scalar"]).StdOut);
    }

    /// <summary>
    /// The batched session (issue 17): `bench --lanes 21 --check` steps 21 lanes of the every-variant
    /// stack (LSTM, peephole CIFG, CIFG, GRU both ways, RNN: every kind with a batched step) in
    /// changing subsets with resets, in tiles of 16 and a remainder, and hashes every lane's logits
    /// after every call; each build must find its batched hash equal to its 21 separate sessions'
    /// (bitIdentical), and every build (arm64 under qemu-aarch64 on AdvSimd and scalar, x86-64-v2,
    /// the JIT's scalar reference) must print the x86-64-v3 build's hash.
    /// </summary>
    [Fact]
    public void Arm64_build_steps_batched_lanes_byte_identically()
    {
        var (model, _) = WriteEveryVariantCase();
        string[] args = ["bench", "--model", model, "--lanes", "21", "--check", "--json"];
        var qemuEnv = new Dictionary<string, string> { ["QEMU_LD_PREFIX"] = "/usr/aarch64-linux-gnu" };
        string expected = BatchedHash(CliProcess.RunExecutable(Binary("linux-x64"), args));
        Assert.Equal(expected, BatchedHash(CliProcess.RunExecutable("qemu-aarch64", [Binary("linux-arm64"), .. args], qemuEnv)));
        Assert.Equal(expected, BatchedHash(CliProcess.RunExecutable("qemu-aarch64", [Binary("linux-arm64"), .. args, "--scalar"], qemuEnv)));
        Assert.Equal(expected, BatchedHash(CliProcess.RunExecutable(Binary("linux-x64-v2"), args)));
        Assert.Equal(expected, BatchedHash(CliProcess.Run([.. args, "--scalar"])));
    }

    /// <summary>The batched logits hash of a `bench --lanes --check --json` run that found it equal to the separate sessions'.</summary>
    private static string BatchedHash(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StdOut} {result.StdErr}");
        Assert.Contains("\"batched\":true", result.StdOut);
        Assert.Contains("\"bitIdentical\":true", result.StdOut);
        var match = System.Text.RegularExpressions.Regex.Match(result.StdOut, "\"logitsHash\":\"([0-9a-f]{16})\"");
        Assert.True(match.Success, result.StdOut);
        return match.Groups[1].Value;
    }

    [Fact]
    public void Arm64_build_reports_its_instruction_set()
    {
        var qemuEnv = new Dictionary<string, string> { ["QEMU_LD_PREFIX"] = "/usr/aarch64-linux-gnu" };
        var result = CliProcess.RunExecutable("qemu-aarch64", [Binary("linux-arm64"), "bench", "--shape", "G", "--json", "--steps", "100000"], qemuEnv);
        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains("\"isa\":\"Vector128/AdvSimd\"", result.StdOut);
        Assert.Contains("\"architecture\":\"arm64\"", result.StdOut);
        Assert.Contains("\"allocatedBytesPerStep\":0", result.StdOut);
    }

    private static (string Model, string Csv) WriteEveryVariantCase() => WriteCase("every-variant",
        new NetworkShape("every-variant", 9, [("lstm", 21), ("peephole", 19), ("cifg", 17), ("gru", 23), ("gru-lbr0", 18), ("rnn", 13)], 6),
        m =>
        {
            m.Float!.Layers[1].Clip = 2.5f;
            m.Float!.Layers[1].InputForget = true; // CIFG with peepholes
        });

    private static (string Model, string Csv) WriteCase(string name, NetworkShape shape, Action<EdgeModel>? adjust = null)
    {
        string dir = Directory.CreateTempSubdirectory("edgelstm-xarch").FullName;
        var model = RandomModels.Create(shape, 11);
        adjust?.Invoke(model);
        model = QuantizeModel.WithIntegerForm(model, RandomModels.RandomSequences(9, 3, 200, 12));
        string modelPath = Path.Combine(dir, name + ".elstm");
        ModelFileWriter.Save(model, modelPath);
        var csv = new StringBuilder();
        // Larger excursions than calibration saw, so saturation paths run too.
        foreach (var sample in RandomModels.RandomSequences(9, 1, 800, 13, amplitude: 1.7f)[0])
            csv.Append(string.Join(',', sample.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))).Append('\n');
        string csvPath = Path.Combine(dir, "input.csv");
        File.WriteAllText(csvPath, csv.ToString());
        return (modelPath, csvPath);
    }
}
