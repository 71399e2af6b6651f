namespace EdgeLstm.Cli.Commands;

/// <summary>
/// A small self-contained SVG scatter plot: integer accuracy against MACs per step (log scale),
/// one labelled point per cell, the float accuracy as a hollow marker on the same vertical.
/// Written by hand (<see cref="SvgWriter"/>, no plotting dependency) so the study's output is reproducible text.
/// </summary>
internal static class AccuracyCostPlot
{
    private const double Width = 640, Height = 420, Left = 70, Right = 20, Top = 40, Bottom = 60;

    public static string Svg(IReadOnlyList<VariantsStudy.Row> rows, string title)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        double xMin = Math.Log10(rows.Min(r => r.MacsPerStep) / 1.3), xMax = Math.Log10(rows.Max(r => r.MacsPerStep) * 1.3);
        double yLow = rows.Min(r => Math.Min(r.FloatAccuracy, r.IntegerAccuracy)) * 100, yHigh = rows.Max(r => Math.Max(r.FloatAccuracy, r.IntegerAccuracy)) * 100;
        double yMin = Math.Floor(yLow - 1), yMax = Math.Ceiling(yHigh + 1);
        double X(double macs) => Left + (Math.Log10(macs) - xMin) / (xMax - xMin) * (Width - Left - Right);
        double Y(double percent) => Top + (yMax - percent) / (yMax - yMin) * (Height - Top - Bottom);
        var svg = new SvgWriter(Width, Height);
        svg.Text(Width / 2, 22, title, "text-anchor=\"middle\" font-size=\"14\"");
        // Axes, grid and ticks.
        svg.Line(Left, Height - Bottom, Width - Right, Height - Bottom, "black");
        svg.Line(Left, Top, Left, Height - Bottom, "black");
        double yStep = yMax - yMin > 10 ? 2 : 1;
        for (double y = yMin; y <= yMax + 1e-9; y += yStep)
        {
            svg.Line(Left, Y(y), Width - Right, Y(y), "#ddd");
            svg.Text(Left - 6, Y(y) + 4, y.ToString("F0", inv) + " %", "text-anchor=\"end\"");
        }
        foreach (double tick in Ticks(xMin, xMax))
        {
            svg.Line(X(tick), Top, X(tick), Height - Bottom, "#eee");
            svg.Text(X(tick), Height - Bottom + 16, tick.ToString("#,0", inv), "text-anchor=\"middle\"");
        }
        svg.Text((Left + Width - Right) / 2, Height - 18, "MACs per step (log scale)", "text-anchor=\"middle\"");
        svg.RotatedText(16, (Top + Height - Bottom) / 2, -90, "windowed test accuracy", "text-anchor=\"middle\"");
        // Points: filled = integer engine, hollow = float reference.
        foreach (var r in rows)
        {
            double x = X(r.MacsPerStep), yi = Y(r.IntegerAccuracy * 100), yf = Y(r.FloatAccuracy * 100);
            svg.Circle(x, yf, 5, "fill=\"none\" stroke=\"#1f77b4\"");
            svg.Circle(x, yi, 4, "fill=\"#d62728\"");
            svg.Text(x + 8, yi + 4, $"{r.Cell} ({r.NsPerStep.ToString("F0", inv)} ns)");
        }
        svg.Circle(Left + 14, Top + 10, 4, "fill=\"#d62728\"");
        svg.Text(Left + 24, Top + 14, "integer engine (label: ns per step)");
        svg.Circle(Left + 14, Top + 28, 5, "fill=\"none\" stroke=\"#1f77b4\"");
        svg.Text(Left + 24, Top + 32, "float reference");
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
}
