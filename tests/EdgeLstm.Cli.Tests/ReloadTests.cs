using System.Globalization;
using System.Text.Json;

namespace EdgeLstm.Cli.Tests;

/// <summary>
/// SIGHUP with a changed model file, on the real process: a broken model is refused with one
/// error line and the running model stays; a good one takes over at a batch boundary, and every
/// accepted sample is classified exactly once across the switch, by the old model before it and by
/// the new one (from a fresh state) after it, exactly as two replays of the two halves say.
/// </summary>
public class ReloadTests
{
    private static string Recording => Path.Combine(CliProcess.RepoRoot, "firmware-samples", "recordings", "hapt-exp03-user02.csv");

    private sealed record Line(long T, string Label, double Score);

    private static Line Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        return new Line(r.GetProperty("t").GetInt64(), r.GetProperty("label").GetString()!, r.GetProperty("score").GetDouble());
    }

    private static string[] Classifications(IEnumerable<string> stdout) => stdout.Where(l => l.StartsWith("{\"stream\"", StringComparison.Ordinal)).ToArray();

    private static void Replace(string path, byte[] content)
    {
        File.WriteAllBytes(path + ".new", content);
        File.Move(path + ".new", path, overwrite: true); // how an operator's deploy swaps a file: atomically
    }

    [Fact]
    public void Sighup_switches_models_without_losing_or_repeating_a_sample_and_a_bad_model_keeps_the_old_one()
    {
        string dir = Directory.CreateTempSubdirectory("edgelstm-reload").FullName;
        string model = Path.Combine(dir, "model.elstm");
        File.Copy(Fixtures.ModelPath, model);
        string recording = Path.Combine(dir, "rec.csv");
        File.Copy(Recording, recording);
        string config = Path.Combine(dir, "run.json");
        File.WriteAllText(config, """
            {
              "models": { "m": { "path": "model.elstm" } },
              "sources": [ { "name": "rec.csv", "type": "file", "path": "rec.csv", "speed": 4 } ],
              "streams": [ { "match": "*", "model": "m", "reset": { "timeoutMs": 0 }, "events": { "emit": "hop", "hop": 1 } } ],
              "pipeline": { "inputCapacity": 256, "batchSize": 16 }
            }
            """);
        int total = File.ReadLines(Recording).Count() - 1;

        using var daemon = new DaemonProcess("run", "--config", config, "--summary");
        daemon.WaitUntil(d => Classifications(d.StdOut).Length >= 200, TimeSpan.FromMinutes(2), "200 classifications");

        // A broken model file: refused, one error line, the old model keeps classifying.
        Replace(model, [1, 2, 3, 4]);
        daemon.Signal("HUP");
        daemon.WaitUntil(d => d.StdErr.Any(l => l.Contains("reload of run.json failed", StringComparison.Ordinal)), TimeSpan.FromMinutes(1), "the reload error");
        int afterBad = Classifications(daemon.StdOut).Length;
        daemon.WaitUntil(d => Classifications(d.StdOut).Length >= afterBad + 100, TimeSpan.FromMinutes(1), "100 more classifications after the refused reload");

        // The new model.
        Replace(model, File.ReadAllBytes(Fixtures.OtherModelPath));
        daemon.Signal("HUP");
        daemon.WaitUntil(d => d.StdErr.Any(l => l.Contains("SIGHUP: reloaded run.json", StringComparison.Ordinal)), TimeSpan.FromMinutes(1), "the reload");
        daemon.WaitUntil(d => Classifications(d.StdOut).Count(l => l.Contains("\"label\":\"B-", StringComparison.Ordinal)) >= 200, TimeSpan.FromMinutes(2), "200 classifications by the new model");
        daemon.Signal("TERM");
        Assert.Equal(0, daemon.WaitForExit(TimeSpan.FromMinutes(1)));

        var stdout = daemon.StdOut;
        var errors = daemon.StdErr;
        Assert.Single(errors, l => l.Contains("failed", StringComparison.Ordinal));
        var summaryLine = stdout.Last(l => l.StartsWith("{\"summary\"", StringComparison.Ordinal));
        using var summary = JsonDocument.Parse(summaryLine);
        long accepted = summary.RootElement.GetProperty("samples_accepted").GetInt64();
        Assert.InRange(accepted, 500, total - 1); // stopped before the recording's end
        Assert.Equal(accepted, summary.RootElement.GetProperty("samples_classified").GetInt64());
        Assert.Equal(accepted, summary.RootElement.GetProperty("lines_written").GetInt64());
        Assert.Equal(0, summary.RootElement.GetProperty("dropped").GetProperty("input").GetInt64());

        // Exactly once, in order: t = 0 .. accepted-1.
        var lines = Classifications(stdout).Select(Parse).ToArray();
        Assert.Equal(accepted, lines.Length);
        for (int t = 0; t < lines.Length; t++) Assert.Equal(t, lines[t].T);

        // One switch point k: the old model's labels before it, the new model's after it.
        int k = Array.FindIndex(lines, l => l.Label.StartsWith("B-", StringComparison.Ordinal));
        Assert.True(k >= 300, $"switched at {k}, before the refused reload's samples");
        Assert.All(lines[k..], l => Assert.StartsWith("B-", l.Label, StringComparison.Ordinal));

        // Before k: what the old model says from the start. From k: what the new model says from a
        // fresh state on the recording's rows k.. (t counted from k).
        var before = Replay(recording, Fixtures.ModelPath);
        Assert.Equal(before.Take(k), lines.Take(k));
        string cutDir = Directory.CreateDirectory(Path.Combine(dir, "cut")).FullName;
        string cut = Path.Combine(cutDir, "rec.csv");
        var all = File.ReadLines(recording).ToArray();
        File.WriteAllLines(cut, all.Take(1).Concat(all.Skip(1 + k)));
        var after = Replay(cut, Fixtures.OtherModelPath).Select(l => l with { T = l.T + k }).Take(lines.Length - k).ToArray();
        Assert.Equal(after, lines.Skip(k));
    }

    private static Line[] Replay(string recording, string model)
    {
        var r = CliProcess.Run("replay", recording, "--model", model, "--max-speed", "--emit", "hop", "--hop", "1");
        Assert.True(r.ExitCode == 0, r.StdErr);
        return Classifications(r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Select(Parse).ToArray();
    }
}
