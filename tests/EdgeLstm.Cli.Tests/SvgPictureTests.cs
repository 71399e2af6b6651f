using EdgeLstm.Training.Optimization;
using System.Xml.Linq;
using EdgeLstm.Cli.Commands;
using EdgeLstm.Training.Evaluation;

namespace EdgeLstm.Cli.Tests;

/// <summary>The shared SVG writer and the two pictures built on it, in-process: valid standalone XML, escaped text, same input same bytes.</summary>
public class SvgPictureTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void The_writer_escapes_text_and_writes_invariant_numbers()
    {
        Assert.Equal("a &amp; b &lt;c&gt; &quot;d&quot;", SvgWriter.Escape("a & b <c> \"d\""));
        Assert.Equal("x\uFFFDy\tz", SvgWriter.Escape("x\u0001y\tz"));   // XML 1.0 has no U+0001
        Assert.Equal("😀", SvgWriter.Escape("😀"));                      // a surrogate pair is kept
        Assert.Equal("12.3", SvgWriter.Num(12.34));
        Assert.Equal("7", SvgWriter.Num(7.0));
        Assert.Equal("0", SvgWriter.Num(-0.01));
        var w = new SvgWriter(100, 50);
        w.Text(10, 20, "<&>");
        var doc = XDocument.Parse(w.ToString());
        Assert.Equal(Svg + "svg", doc.Root!.Name);
        Assert.Equal("0 0 100 50", (string?)doc.Root.Attribute("viewBox"));
        Assert.Equal("100", (string?)doc.Root.Attribute("width"));
        Assert.Equal("50", (string?)doc.Root.Attribute("height"));
        Assert.Equal("<&>", doc.Root.Element(Svg + "text")!.Value);
    }

    [Fact]
    public void The_confusion_matrix_has_n_by_n_cells_that_add_up_and_escaped_labels()
    {
        string[] labels = ["walk & run", "<sit>", "stand > lie", .. Enumerable.Range(3, 9).Select(i => $"class_{i}_with_a_long_name")];
        var m = new ConfusionMatrix(labels);
        var random = new Random(4);
        long total = 0;
        for (int i = 0; i < 5000; i++)
        {
            int truth = random.Next(labels.Length);
            m.Add(truth, random.NextDouble() < 0.7 ? truth : random.Next(-1, labels.Length)); // -1: no prediction
            total++;
        }
        string svg = ConfusionPlot.Svg("Confusion matrix of a & b", [new ConfusionPlot.Panel("streaming protocol", "detail <1>", m, "samples")]);
        Assert.Equal(svg, ConfusionPlot.Svg("Confusion matrix of a & b", [new ConfusionPlot.Panel("streaming protocol", "detail <1>", m, "samples")]));
        Assert.Contains("walk &amp; run", svg);
        Assert.Contains("&lt;sit&gt;", svg);
        var matrix = Assert.Single(XDocument.Parse(svg).Descendants(Svg + "g"), g => Class(g) == "matrix");
        var cells = matrix.Elements(Svg + "g").Where(g => Class(g) == "cell").ToList();
        Assert.Equal(labels.Length * labels.Length, cells.Count);
        var unpredicted = matrix.Elements(Svg + "g").Where(g => Class(g) == "unpredicted").ToList();
        Assert.Equal(labels.Length, unpredicted.Count);
        Assert.Equal(total, cells.Concat(unpredicted).Sum(Count));
        // Row-major: the cell of (true t, predicted p) is the t * n + p-th; its count is the matrix's.
        for (int t = 0; t < labels.Length; t++)
            for (int p = 0; p < labels.Length; p++) Assert.Equal(m[t, p], Count(cells[t * labels.Length + p]));
        Assert.Equal(labels.Length, matrix.Elements(Svg + "text").Count(e => Class(e) == "recall"));
        var texts = matrix.Elements(Svg + "text").Select(e => e.Value).ToList();
        Assert.Contains("walk & run", texts);
        Assert.Contains("stand > lie", texts);
    }

    [Fact]
    public void The_training_curve_has_a_point_per_epoch_and_says_when_there_is_no_validation()
    {
        var epochs = Enumerable.Range(1, 7).Select(e => new EpochReport(e, 2.0 / e, 0.5, 1, 0.5 + e / 20.0, 1e-3, TimeSpan.FromSeconds(e), e == 5, 10, 100)).ToList();
        string svg = TrainingCurvePlot.Svg(epochs, 5, "m.elstm: lstm 2x8, windowed", ["a & b"]);
        Assert.Equal(svg, TrainingCurvePlot.Svg(epochs, 5, "m.elstm: lstm 2x8, windowed", ["a & b"]));
        var doc = XDocument.Parse(svg);
        Assert.Equal(["epoch 1: training loss 2.0000", "epoch 2: training loss 1.0000", "epoch 3: training loss 0.6667"],
            Points(doc, "loss-points").Take(3));
        Assert.Equal(7, Points(doc, "validation-points").Count);
        Assert.Equal("epoch 5: validation accuracy 75.00 %", Points(doc, "validation-points")[4]);
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "kept: epoch 5 (best validation)");

        var none = epochs.Select(e => e with { ValidationLoss = double.NaN, ValidationAccuracy = double.NaN }).ToList();
        var lossOnly = XDocument.Parse(TrainingCurvePlot.Svg(none, 7, "t", []));
        Assert.Equal(7, Points(lossOnly, "loss-points").Count);
        Assert.Empty(Points(lossOnly, "validation-points"));
        Assert.Contains(lossOnly.Descendants(Svg + "text"), t => t.Value == "no validation split: training loss only");
        Assert.Contains(lossOnly.Descendants(Svg + "text"), t => t.Value == "kept: epoch 7 (the last)");

        // One epoch, and a loss that diverged, still draw.
        XDocument.Parse(TrainingCurvePlot.Svg([epochs[0] with { TrainLoss = double.NaN }], 1, "t", []));
    }

    internal static string? Class(XElement e) => (string?)e.Attribute("class");

    private static long Count(XElement cell) =>
        long.Parse(cell.Element(Svg + "text")!.Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);

    internal static List<string> Points(XDocument doc, string group) =>
        doc.Descendants(Svg + "g").Where(g => Class(g) == group).SelectMany(g => g.Elements(Svg + "circle")).Select(c => c.Element(Svg + "title")!.Value).ToList();
}
