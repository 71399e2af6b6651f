using System.Globalization;
using EdgeLstm.Training.Evaluation;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `eval`'s confusion matrix as SVG, one panel per protocol run: rows are the true classes,
/// columns the predicted ones, each cell shaded by its share of the row (the true class's items)
/// with its count printed, a "none" column for items that got no prediction (streaming: the
/// samples before the first decision) when there are any, each class's recall on the right, and
/// the accuracy in the panel's heading. Sized from the labels and counts, so twelve classes with
/// HAPT's names stay readable.
/// </summary>
internal static class ConfusionPlot
{
    /// <summary>One matrix to draw: <paramref name="Heading"/> names protocol, engine and accuracy, <paramref name="Detail"/>
    /// (a smaller line under it) the rest; <paramref name="Unit"/> is what was counted ("windows").</summary>
    public sealed record Panel(string Heading, string Detail, ConfusionMatrix Matrix, string Unit);

    private const double Margin = 16, CharWidth = 7, Gap = 10, HeadingHeight = 40, LegendHeight = 44, PanelGap = 24;

    public static string Svg(string title, IReadOnlyList<Panel> panels)
    {
        if (panels.Count == 0) throw new ArgumentException("no matrix to draw", nameof(panels));
        var inv = CultureInfo.InvariantCulture;
        var layouts = panels.Select(p => new Layout(p.Matrix)).ToList();
        double width = Math.Max(layouts.Max(l => l.Width), Math.Max(title.Length * 9, panels.Max(p => Math.Max(p.Heading.Length * 7.5, p.Detail.Length * 6.2))) + 2 * Margin);
        double height = 40 + layouts.Sum(l => l.Height) + PanelGap * (panels.Count - 1);
        var svg = new SvgWriter(Math.Ceiling(width), Math.Ceiling(height));
        svg.Text(Margin, 24, title, "font-size=\"15\" font-weight=\"bold\"");
        double top = 40;
        for (int i = 0; i < panels.Count; i++)
        {
            Draw(svg, panels[i], layouts[i], top, inv);
            top += layouts[i].Height + PanelGap;
        }
        return svg.ToString();
    }

    private static void Draw(SvgWriter svg, Panel panel, Layout l, double top, CultureInfo inv)
    {
        var m = panel.Matrix;
        int n = m.Classes;
        bool none = m.Unpredicted.Sum() > 0;
        svg.BeginGroup("class=\"matrix\"");
        svg.Text(Margin, top + 16, panel.Heading, "font-size=\"13\" font-weight=\"bold\"");
        svg.Text(Margin, top + 32, panel.Detail, "font-size=\"11\" fill=\"#555\"");
        double gridTop = top + HeadingHeight + l.ColumnLabelHeight;
        double gridLeft = Margin + 20 + l.RowLabelWidth;
        // Column labels, turned 45 degrees so that long names fit over narrow columns; then the axis captions.
        for (int p = 0; p < n; p++)
            svg.RotatedText(gridLeft + (p + 0.5) * l.Cell, gridTop - 6, -45, m.ClassNames[p]);
        if (none) svg.RotatedText(gridLeft + (n + 0.5) * l.Cell, gridTop - 6, -45, "none", "fill=\"#777\"");
        svg.RotatedText(gridLeft + l.Columns * l.Cell + Gap + 4, gridTop - 6, -45, "recall", "font-weight=\"bold\"");
        svg.Text(gridLeft, top + HeadingHeight + 4, "predicted class →", "fill=\"#555\" font-size=\"11\"");
        svg.RotatedText(Margin + 8, gridTop + n * l.Cell / 2, -90, "true class", "text-anchor=\"middle\" fill=\"#555\" font-size=\"11\"");
        for (int t = 0; t < n; t++)
        {
            long support = m.Support(t);
            double y = gridTop + t * l.Cell;
            svg.Text(gridLeft - 8, y + l.Cell / 2 + 4, m.ClassNames[t], support == 0 ? "text-anchor=\"end\" fill=\"#999\"" : "text-anchor=\"end\"");
            for (int p = 0; p <= n; p++)
            {
                if (p == n && !none) break;
                long count = p < n ? m[t, p] : m.Unpredicted[t];
                double share = support == 0 ? 0 : (double)count / support;
                string predicted = p < n ? m.ClassNames[p] : "no prediction";
                svg.BeginGroup(p < n ? "class=\"cell\"" : "class=\"unpredicted\"");
                svg.Title(string.Create(inv, $"true {m.ClassNames[t]}, predicted {predicted}: {count:N0} of {support:N0} ({share * 100:F1} % of the row)"));
                svg.Rect(gridLeft + p * l.Cell, y, l.Cell, l.Cell, p < n ? Blue(share) : Grey(share), "stroke=\"#d0d0d0\"");
                svg.Text(gridLeft + (p + 0.5) * l.Cell, y + l.Cell / 2 + 4, count.ToString("N0", inv),
                    $"text-anchor=\"middle\" font-size=\"11\" fill=\"{(count == 0 ? "#bbb" : share > 0.5 ? "white" : "#222")}\"{(p == t ? " font-weight=\"bold\"" : "")}");
                svg.EndGroup();
            }
            string recall = support == 0 ? "-" : string.Create(inv, $"{m.Recall(t) * 100:F1} %");
            svg.Text(gridLeft + l.Columns * l.Cell + Gap + 4, y + l.Cell / 2 + 4, recall, "class=\"recall\"");
        }
        // The diagonal (the right answers) and the class-by-class grid framed, then the shading's key.
        for (int k = 0; k < n; k++) svg.Rect(gridLeft + k * l.Cell, gridTop + k * l.Cell, l.Cell, l.Cell, "none", "stroke=\"#555\"");
        svg.Rect(gridLeft, gridTop, n * l.Cell, n * l.Cell, "none", "stroke=\"#555\"");
        double keyY = gridTop + n * l.Cell + 16;
        svg.Text(gridLeft, keyY + 12, $"share of the true class's {panel.Unit}:", "fill=\"#555\" font-size=\"11\"");
        double keyX = gridLeft + 230;
        for (int k = 0; k <= 4; k++)
        {
            svg.Rect(keyX + k * 46, keyY, 46, 16, Blue(k / 4.0), "stroke=\"#d0d0d0\"");
            svg.Text(keyX + k * 46 + 23, keyY + 12, string.Create(inv, $"{k * 25} %"), $"text-anchor=\"middle\" font-size=\"10\" fill=\"{(k >= 3 ? "white" : "#222")}\"");
        }
        svg.EndGroup();
    }

    /// <summary>White through mid blue to dark blue as the share goes from 0 to 1 (ColorBrewer's Blues end points).</summary>
    private static string Blue(double share) => Ramp(share, (247, 251, 255), (107, 174, 214), (8, 48, 107));

    private static string Grey(double share) => Ramp(share, (250, 250, 250), (170, 170, 170), (80, 80, 80));

    private static string Ramp(double share, (int R, int G, int B) low, (int R, int G, int B) mid, (int R, int G, int B) high)
    {
        double s = Math.Clamp(share, 0, 1);
        var (a, b, f) = s < 0.5 ? (low, mid, s * 2) : (mid, high, s * 2 - 1);
        int C(int x, int y) => (int)Math.Round(x + (y - x) * f, MidpointRounding.AwayFromZero);
        return string.Create(CultureInfo.InvariantCulture, $"#{C(a.R, b.R):x2}{C(a.G, b.G):x2}{C(a.B, b.B):x2}");
    }

    /// <summary>Sizes of one panel from its longest label and widest count.</summary>
    private sealed class Layout
    {
        public Layout(ConfusionMatrix m)
        {
            int longest = m.ClassNames.Max(s => s.Length);
            long largest = Math.Max(m.Unpredicted.DefaultIfEmpty(0).Max(), Enumerable.Range(0, m.Classes * m.Classes).Max(i => m[i / m.Classes, i % m.Classes]));
            Cell = Math.Max(42, largest.ToString("N0", CultureInfo.InvariantCulture).Length * 6.5 + 12);
            Columns = m.Classes + (m.Unpredicted.Sum() > 0 ? 1 : 0);
            RowLabelWidth = Math.Max(40, longest * CharWidth) + 8;
            double diagonal = Math.Max(longest, 6) * CharWidth * 0.71;
            ColumnLabelHeight = diagonal + 28; // room above the longest label for the caption
            double gridRight = Margin + 20 + RowLabelWidth + Columns * Cell;
            Width = gridRight + Math.Max(Gap + 60, diagonal - Cell / 2 + 10) + Margin;
            Width = Math.Max(Width, Margin + 20 + RowLabelWidth + 230 + 5 * 46 + Margin);
            Height = HeadingHeight + ColumnLabelHeight + m.Classes * Cell + LegendHeight;
        }

        public double Cell { get; }
        public int Columns { get; }
        public double RowLabelWidth { get; }
        public double ColumnLabelHeight { get; }
        public double Width { get; }
        public double Height { get; }
    }
}
