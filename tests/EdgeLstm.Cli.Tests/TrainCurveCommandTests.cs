using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace EdgeLstm.Cli.Tests;

/// <summary>`edgelstm train` writes MODEL.training.svg beside the model: a point per epoch it printed, with the values it printed.</summary>
public partial class TrainCurveCommandTests
{
    private static string[] Args(string model, params string[] more) =>
        ["train", "--train", TrainCommandTests.Recordings.Value, "--hidden", "6", "--layers", "1", "--epochs", "4", "--patience", "0",
         "--window", "32", "--hop", "32", "--batch", "8", "--seed", "3", "-o", model, .. more];

    [Fact]
    public void Train_writes_the_curve_beside_the_model_with_the_printed_epochs()
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-curve").FullName;
        string model = Path.Combine(dir, "curve.elstm"), svgPath = Path.Combine(dir, "curve.training.svg");
        var run = CliProcess.Run(Args(model));
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains($"wrote {svgPath} (training curve)", run.StdOut);
        // Redirected: plain lines, no carriage returns or escape sequences.
        Assert.DoesNotContain('\r', run.StdOut + run.StdErr);
        Assert.DoesNotContain('\x1b', run.StdOut + run.StdErr);

        var printed = EpochLine().Matches(run.StdOut);
        Assert.Equal(4, printed.Count);
        var doc = XDocument.Parse(File.ReadAllText(svgPath));
        Assert.Equal("http://www.w3.org/2000/svg", doc.Root!.Name.NamespaceName);
        Assert.NotNull(doc.Root.Attribute("viewBox"));
        Assert.NotNull(doc.Root.Attribute("width"));
        Assert.NotNull(doc.Root.Attribute("height"));
        Assert.Equal(printed.Select(m => $"epoch {m.Groups[1].Value}: training loss {m.Groups[2].Value}"), SvgPictureTests.Points(doc, "loss-points"));
        Assert.Equal(printed.Select(m => $"epoch {m.Groups[1].Value}: validation accuracy {m.Groups[3].Value}"), SvgPictureTests.Points(doc, "validation-points"));
        string best = Regex.Match(run.StdOut, @"best epoch (\d+) of 4").Groups[1].Value;
        var texts = doc.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        Assert.Contains($"kept: epoch {best} (best validation)", texts);
        Assert.Contains("curve.elstm: lstm 1x6, windowed", texts);

        // The same command again: the same bytes (no wall-clock figure in the picture).
        var bytes = File.ReadAllBytes(svgPath);
        File.Delete(svgPath);
        Assert.Equal(0, CliProcess.Run(Args(model)).ExitCode);
        Assert.Equal(bytes, File.ReadAllBytes(svgPath));
    }

    [Fact]
    public void Without_a_validation_split_the_curve_is_loss_only_and_the_json_names_it()
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-curve-noval").FullName;
        string model = Path.Combine(dir, "noval.v1.elstm"), svgPath = Path.Combine(dir, "noval.v1.training.svg");
        var run = CliProcess.Run(Args(model, "--validation", "0", "--json"));
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.DoesNotContain('\r', run.StdErr); // the progress goes to stderr with --json, plain too
        using var json = JsonDocument.Parse(run.StdOut);
        Assert.Equal(svgPath, json.RootElement.GetProperty("trainingCurve").GetString());
        var doc = XDocument.Parse(File.ReadAllText(svgPath));
        Assert.Equal(4, SvgPictureTests.Points(doc, "loss-points").Count);
        Assert.Empty(SvgPictureTests.Points(doc, "validation-points"));
        var texts = doc.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        Assert.Contains("no validation split: training loss only", texts);
        Assert.Contains("kept: epoch 4 (the last)", texts);
    }

    [GeneratedRegex(@"^epoch +(\d+)  loss (\d+\.\d{4})  .*  val loss \S+ acc (\d+\.\d\d %)", RegexOptions.Multiline)]
    private static partial Regex EpochLine();
}
