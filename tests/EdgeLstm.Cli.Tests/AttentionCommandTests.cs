using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Cli.Tests;

/// <summary>
/// The attention head through the commands: a tiny `train --head attention` on a real HAPT
/// recording, the refusal of a streaming attention model, `inspect` of the committed HAPT model,
/// `bench --shape A`'s cost model, and `replay` running an attention model like the daemon does.
/// </summary>
public class AttentionCommandTests
{
    private static string Recording => Path.Combine(CliProcess.RepoRoot, "firmware-samples/recordings/hapt-exp03-user02.csv");
    private static string HaptModel => Path.Combine(CliProcess.RepoRoot, "models/attention/hapt-lstm32.elstm");

    [Fact]
    public void Train_with_an_attention_head_writes_a_windowed_attention_model()
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-attention-train").FullName;
        File.Copy(Recording, Path.Combine(dir, "a.csv"));
        string output = Path.Combine(dir, "attention.elstm");
        var run = CliProcess.Run("train", "--train", dir, "--cell", "gru", "--hidden", "6", "--layers", "1", "--epochs", "1", "--window", "32",
            "--hop", "32", "--batch", "8", "--head", "attention", "--attention-size", "4", "--seed", "3", "-o", output);
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("with an attention head", run.StdOut);
        var model = ModelFileReader.Load(output);
        Assert.Equal(HeadKind.Attention, model.HeadKind);
        Assert.Equal((4, 32), (model.Float!.Attention!.Size, model.Float.Attention.Steps));
        Assert.NotNull(model.Integer!.Attention);
        Assert.Equal(ClassificationMode.Windowed, model.Metadata.Mode);
    }

    [Fact]
    public void Train_refuses_a_streaming_attention_head_with_one_line()
    {
        var run = CliProcess.Run("train", "--train", Path.GetDirectoryName(Recording)!, "--head", "attention", "--mode", "streaming",
            "-o", Path.Combine(Path.GetTempPath(), "never.elstm"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--mode windowed", run.StdErr);
        Assert.Single(run.StdErr.Trim().Split('\n'));
    }

    [Fact]
    public void Inspect_shows_the_attention_head_and_its_amortized_cost()
    {
        var run = CliProcess.Run("inspect", "--model", HaptModel);
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("attention pooling over the window", run.StdOut);
        Assert.Contains("pools the window's 128 hidden states", run.StdOut);
        var json = CliProcess.Run("inspect", "--model", HaptModel, "--json");
        Assert.Contains("\"head\":\"attention\"", json.StdOut);
        // LSTM 32 on 6 channels (4*32*38 = 4864) + score 32*32+32 + pooling 32 + dense 32*6/128 rounded up (2).
        Assert.Contains("\"macsPerStep\":5954", json.StdOut);
    }

    [Fact]
    public void Bench_shape_A_reports_the_attention_head_with_its_cost()
    {
        var run = CliProcess.Run("bench", "--shape", "A", "--steps", "100000", "--json");
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("\"head\":\"attention\"", run.StdOut);
        Assert.Contains("\"classifyEvery\":128", run.StdOut);
        // LSTM 32 on 9 inputs (5248) + 1090 for the head amortized over the 128-step window.
        Assert.Contains("\"macsPerStep\":6338", run.StdOut);
        Assert.Contains("\"allocatedBytesPerStep\":0", run.StdOut);
    }

    [Fact]
    public void Replay_runs_the_attention_model_window_by_window()
    {
        var run = CliProcess.Run("replay", Recording, "--model", HaptModel, "--max-speed", "--summary");
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("\"accuracy\"", run.StdOut);
        Assert.Contains("walking", run.StdOut);
    }
}
