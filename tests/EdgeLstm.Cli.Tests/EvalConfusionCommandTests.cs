using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Cli.Tests;

/// <summary>
/// `edgelstm eval` writes MODEL.confusion.svg beside the model (or to --confusion FILE): a panel
/// per protocol whose N×N cells (plus the "no prediction" column) add up to what eval counted,
/// with the model's label names escaped.
/// </summary>
public class EvalConfusionCommandTests
{
    private static readonly string[] Labels = ["walk & run", "<sit>", "stand > lie", "lie"];

    private static (string Model, string Data) Create()
    {
        var dir = Directory.CreateTempSubdirectory("edgelstm-confusion").FullName;
        var model = RandomModels.CreateQuantized(new NetworkShape("escape", 3, [("gru", 8)], Labels.Length), 7);
        model.Metadata.Labels.Clear();
        model.Metadata.Labels.AddRange(Labels);
        model.Metadata.Mode = ClassificationMode.Windowed;
        model.Metadata.Window = 32;
        model.Metadata.Hop = 16;
        string path = Path.Combine(dir, "escape.elstm");
        ModelFileWriter.Save(model, path);
        // Two recordings of eight 80-sample segments, the labels in turn.
        var data = Directory.CreateDirectory(Path.Combine(dir, "data")).FullName;
        for (int r = 0; r < 2; r++)
        {
            var csv = new StringBuilder("time,ch0,ch1,ch2,label\n");
            var samples = RandomModels.RandomSequences(3, 1, 640, 20 + r)[0];
            for (int t = 0; t < samples.Length; t++)
                csv.Append(CultureInfo.InvariantCulture, $"{t * 0.02:F2},{string.Join(',', samples[t].Select(v => v.ToString("R", CultureInfo.InvariantCulture)))},{Labels[(t / 80 + r) % Labels.Length]}\n");
            File.WriteAllText(Path.Combine(data, $"r{r}.csv"), csv.ToString());
        }
        return (path, data);
    }

    [Fact]
    public void Eval_writes_the_confusion_matrix_beside_the_model_with_counts_that_add_up()
    {
        var (model, data) = Create();
        string svgPath = Path.Combine(Path.GetDirectoryName(model)!, "escape.confusion.svg");
        var eval = CliProcess.Run("eval", model, "--test", data, "--json");
        Assert.True(eval.ExitCode == 0, eval.StdErr);
        using var report = JsonDocument.Parse(eval.StdOut);
        Assert.Equal(svgPath, report.RootElement.GetProperty("confusionSvg").GetString());
        var protocols = report.RootElement.GetProperty("protocols").EnumerateArray().Select(p => p.GetProperty("engines").GetProperty("integer")).ToList();
        Assert.Equal(2, protocols.Count);

        string svg = File.ReadAllText(svgPath);
        Assert.Contains("walk &amp; run", svg);
        Assert.Contains("&lt;sit&gt;", svg);
        Assert.Contains("stand &gt; lie", svg);
        var doc = XDocument.Parse(svg);
        Assert.NotNull(doc.Root!.Attribute("viewBox"));
        var matrices = Groups(doc.Root, "matrix");
        Assert.Equal(2, matrices.Count);
        for (int i = 0; i < 2; i++)
        {
            var cells = Groups(matrices[i], "cell");
            Assert.Equal(Labels.Length * Labels.Length, cells.Count);
            long drawn = cells.Concat(Groups(matrices[i], "unpredicted")).Sum(Count);
            Assert.Equal(protocols[i].GetProperty("total").GetInt64(), drawn);
            // The matrix's own cells, row by row, are the report's confusion matrix.
            var confusion = protocols[i].GetProperty("confusion").EnumerateArray().SelectMany(row => row.EnumerateArray().Select(c => c.GetInt64()));
            Assert.Equal(confusion, cells.Select(Count));
            var texts = matrices[i].Elements().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
            Assert.Subset(texts.ToHashSet(), Labels.ToHashSet());
            string unit = i == 0 ? "windows" : "samples";
            double accuracy = protocols[i].GetProperty("accuracy").GetDouble();
            Assert.Contains(texts, t => t.StartsWith(string.Create(CultureInfo.InvariantCulture,
                $"{(i == 0 ? "windowed" : "streaming")} protocol, integer engine: accuracy {accuracy * 100:F2} % of {protocols[i].GetProperty("total").GetInt64():N0} {unit}"), StringComparison.Ordinal));
        }

        // --confusion FILE: there instead, and the text report says where.
        string other = Path.Combine(Path.GetDirectoryName(model)!, "picked.svg");
        var text = CliProcess.Run("eval", model, "--test", data, "--protocol", "windowed", "--confusion", other);
        Assert.True(text.ExitCode == 0, text.StdErr);
        Assert.Contains($"wrote {other} (confusion matrix, integer engine)", text.StdOut);
        Assert.Single(Groups(XDocument.Parse(File.ReadAllText(other)).Root!, "matrix"));
    }

    [Fact]
    public void A_model_directory_that_cannot_be_written_is_a_warning_and_a_bad_confusion_path_an_error()
    {
        var (model, data) = Create();
        // A directory where the picture's file should be: the default place fails, eval still succeeds.
        Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(model)!, "escape.confusion.svg"));
        var eval = CliProcess.Run("eval", model, "--test", data, "--protocol", "windowed");
        Assert.True(eval.ExitCode == 0, eval.StdErr);
        Assert.Contains("edgelstm: warning: could not write the confusion matrix", eval.StdErr);
        Assert.DoesNotContain("wrote ", eval.StdOut);
        var bad = CliProcess.Run("eval", model, "--test", data, "--confusion", "/nonexistent-dir/x.svg");
        Assert.Equal(2, bad.ExitCode);
        Assert.Single(bad.StdErr.Trim().Split('\n'));
    }

    private static List<XElement> Groups(XElement parent, string cls) =>
        parent.Elements().Where(e => e.Name.LocalName == "g" && SvgPictureTests.Class(e) == cls).ToList();

    private static long Count(XElement cell) =>
        long.Parse(cell.Elements().Single(e => e.Name.LocalName == "text").Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
}
