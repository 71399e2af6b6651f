using System.Globalization;
using System.Text;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// A small self-contained SVG scatter plot: integer accuracy against MACs per step (log scale),
/// one labelled point per cell, the float accuracy as a hollow marker on the same vertical.
/// Written by hand (no plotting dependency) so the study's output is reproducible text.
/// </summary>
internal static class AccuracyCostPlot
{
    private const double Width = 640, Height = 420, Left = 70, Right = 20, Top = 40, Bottom = 60;

    public static string Svg(IReadOnlyList<VariantsStudy.Row> rows, string title)
    {
        var inv = CultureInfo.InvariantCulture;
        double xMin = Math.Log10(rows.Min(r => r.MacsPerStep) / 1.3), xMax = Math.Log10(rows.Max(r => r.MacsPerStep) * 1.3);
        double yLow = rows.Min(r => Math.Min(r.FloatAccuracy, r.IntegerAccuracy)) * 100, yHigh = rows.Max(r => Math.Max(r.FloatAccuracy, r.IntegerAccuracy)) * 100;
        double yMin = Math.Floor(yLow - 1), yMax = Math.Ceiling(yHigh + 1);
        double X(double macs) => Left + (Math.Log10(macs) - xMin) / (xMax - xMin) * (Width - Left - Right);
        double Y(double percent) => Top + (yMax - percent) / (yMax - yMin) * (Height - Top - Bottom);
        var svg = new StringBuilder();
        void Line(string text) => svg.Append(text).Append('\n');
        Line(string.Create(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        Line("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        Line(string.Create(inv, $"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">{Escape(title)}</text>"));
        // Axes, grid and ticks.
        Line(string.Create(inv, $"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>"));
        Line(string.Create(inv, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>"));
        double yStep = yMax - yMin > 10 ? 2 : 1;
        for (double y = yMin; y <= yMax + 1e-9; y += yStep)
        {
            Line(string.Create(inv, $"<line x1=\"{Left}\" y1=\"{Y(y):F1}\" x2=\"{Width - Right}\" y2=\"{Y(y):F1}\" stroke=\"#ddd\"/>"));
            Line(string.Create(inv, $"<text x=\"{Left - 6}\" y=\"{Y(y) + 4:F1}\" text-anchor=\"end\">{y:F0} %</text>"));
        }
        foreach (double tick in Ticks(xMin, xMax))
        {
            Line(string.Create(inv, $"<line x1=\"{X(tick):F1}\" y1=\"{Top}\" x2=\"{X(tick):F1}\" y2=\"{Height - Bottom}\" stroke=\"#eee\"/>"));
            Line(string.Create(inv, $"<text x=\"{X(tick):F1}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{tick:#,0}</text>"));
        }
        Line(string.Create(inv, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 18}\" text-anchor=\"middle\">MACs per step (log scale)</text>"));
        Line(string.Create(inv, $"<text x=\"16\" y=\"{(Top + Height - Bottom) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {(Top + Height - Bottom) / 2})\">windowed test accuracy</text>"));
        // Points: filled = integer engine, hollow = float reference.
        foreach (var r in rows)
        {
            double x = X(r.MacsPerStep), yi = Y(r.IntegerAccuracy * 100), yf = Y(r.FloatAccuracy * 100);
            Line(string.Create(inv, $"<circle cx=\"{x:F1}\" cy=\"{yf:F1}\" r=\"5\" fill=\"none\" stroke=\"#1f77b4\"/>"));
            Line(string.Create(inv, $"<circle cx=\"{x:F1}\" cy=\"{yi:F1}\" r=\"4\" fill=\"#d62728\"/>"));
            Line(string.Create(inv, $"<text x=\"{x + 8:F1}\" y=\"{yi + 4:F1}\">{Escape(r.Cell)} ({r.NsPerStep:F0} ns)</text>"));
        }
        Line(string.Create(inv, $"<circle cx=\"{Left + 14}\" cy=\"{Top + 10}\" r=\"4\" fill=\"#d62728\"/><text x=\"{Left + 24}\" y=\"{Top + 14}\">integer engine (label: ns per step)</text>"));
        Line(string.Create(inv, $"<circle cx=\"{Left + 14}\" cy=\"{Top + 28}\" r=\"5\" fill=\"none\" stroke=\"#1f77b4\"/><text x=\"{Left + 24}\" y=\"{Top + 32}\">float reference</text>"));
        Line("</svg>");
        return svg.ToString();
    }

    private static IEnumerable<double> Ticks(double logMin, double logMax)
    {
        for (int e = (int)Math.Floor(logMin); e <= (int)Math.Ceiling(logMax); e++)
            foreach (double m in new[] { 1.0, 2, 5 })
            {
                double v = m * Math.Pow(10, e);
                if (Math.Log10(v) >= logMin && Math.Log10(v) <= logMax) yield return v;
            }
    }

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
