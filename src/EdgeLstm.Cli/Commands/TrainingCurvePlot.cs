using EdgeLstm.Training.Optimization;
using System.Globalization;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `train`'s training curve as SVG: the training loss per epoch on the left axis and the
/// validation accuracy on the right (0 to 100 %), a point per epoch with its value as a tooltip,
/// and the epoch the trainer kept marked (the best validation accuracy; the last epoch when there
/// is no validation split, and then only the loss is drawn and the picture says so). No wall-clock
/// figures: the same training gives the same bytes.
/// </summary>
internal static class TrainingCurvePlot
{
    private const double Width = 720, PlotHeight = 300, Left = 72, Right = 72, Bottom = 52;
    private const string LossColour = "#1f77b4", ValidationColour = "#d62728";

    /// <summary>The picture: <paramref name="title"/> on top, then each of <paramref name="notes"/> on a smaller line of its own.</summary>
    public static string Svg(IReadOnlyList<EpochReport> epochs, int keptEpoch, string title, IReadOnlyList<string> notes)
    {
        if (epochs.Count == 0) throw new ArgumentException("no epoch to draw", nameof(epochs));
        var inv = CultureInfo.InvariantCulture;
        bool validation = epochs.Any(e => !double.IsNaN(e.ValidationAccuracy));
        int n = epochs.Count;
        double legend = 58 + 16 * notes.Count, top = legend + 20, bottom = top + PlotHeight, height = bottom + Bottom;
        double plotWidth = Width - Left - Right;
        var finite = epochs.Select(e => e.TrainLoss).Where(double.IsFinite).ToList();
        double lossStep = NiceStep(finite.Count == 0 ? 1 : Math.Max(finite.Max(), 1e-6) / 5);
        double lossMax = 5 * lossStep;
        double X(double epoch) => Left + (epoch - 0.5) / n * plotWidth;
        double YLoss(double loss) => bottom - Math.Clamp(loss, 0, lossMax) / lossMax * (bottom - top);
        double YAccuracy(double accuracy) => bottom - Math.Clamp(accuracy, 0, 1) * (bottom - top);

        var svg = new SvgWriter(Width, height);
        svg.Text(Width / 2, 22, title, "text-anchor=\"middle\" font-size=\"14\"");
        for (int i = 0; i < notes.Count; i++) svg.Text(Width / 2, 42 + 16 * i, notes[i], "text-anchor=\"middle\" fill=\"#555\"");

        // Legend, above the plot so that no curve runs under it.
        double lx = Left;
        svg.Line(lx, legend - 4, lx + 24, legend - 4, LossColour, "stroke-width=\"2\"");
        svg.Text(lx + 30, legend, "training loss (left axis)");
        lx += 190;
        if (validation)
        {
            svg.Line(lx, legend - 4, lx + 24, legend - 4, ValidationColour, "stroke-width=\"2\"");
            svg.Text(lx + 30, legend, "validation accuracy (right axis)");
        }
        else
        {
            svg.Text(lx, legend, "no validation split: training loss only", "fill=\"#555\"");
        }
        lx += 230;
        svg.Line(lx, legend - 10, lx, legend + 4, "#888", "stroke-dasharray=\"4 3\"");
        svg.Text(lx + 8, legend, validation ? $"kept: epoch {keptEpoch} (best validation)" : $"kept: epoch {keptEpoch} (the last)");

        // Grid: five intervals on both axes, so one set of lines serves both.
        for (int i = 0; i <= 5; i++)
        {
            double y = bottom - i / 5.0 * (bottom - top);
            svg.Line(Left, y, Width - Right, y, i == 0 ? "black" : "#e3e3e3");
            svg.Text(Left - 6, y + 4, (i * lossStep).ToString(TickFormat(lossStep), inv), "text-anchor=\"end\"");
            if (validation) svg.Text(Width - Right + 6, y + 4, string.Create(inv, $"{i * 20} %"));
        }
        svg.Line(Left, top, Left, bottom, "black");
        if (validation) svg.Line(Width - Right, top, Width - Right, bottom, "black");
        int epochStep = EpochStep(n);
        for (int e = 1; e <= n; e++)
        {
            // A label every epochStep epochs (every epoch when that is 1), a short mark at each other epoch up to 100.
            if (e % epochStep == 0)
            {
                svg.Line(X(e), bottom, X(e), bottom + 5, "black");
                svg.Text(X(e), bottom + 18, e.ToString(inv), "text-anchor=\"middle\"");
            }
            else if (n <= 100)
            {
                svg.Line(X(e), bottom, X(e), bottom + 3, "black");
            }
        }
        svg.Text(Left + plotWidth / 2, height - 10, "epoch", "text-anchor=\"middle\"");
        svg.RotatedText(18, (top + bottom) / 2, -90, "training loss (weighted cross-entropy)", $"text-anchor=\"middle\" fill=\"{LossColour}\"");
        if (validation) svg.RotatedText(Width - 16, (top + bottom) / 2, 90, "validation accuracy", $"text-anchor=\"middle\" fill=\"{ValidationColour}\"");

        // The kept epoch.
        svg.Line(X(keptEpoch), top, X(keptEpoch), bottom, "#888", "stroke-dasharray=\"4 3\" class=\"kept\"");

        // The series: a line, then a point per epoch with its number and value as the tooltip.
        var lossPoints = epochs.Where(e => double.IsFinite(e.TrainLoss)).Select(e => (X(e.Epoch), YLoss(e.TrainLoss))).ToList();
        svg.Polyline(lossPoints, LossColour, "stroke-width=\"2\" class=\"loss\"");
        if (validation)
        {
            var accuracyPoints = epochs.Where(e => !double.IsNaN(e.ValidationAccuracy)).Select(e => (X(e.Epoch), YAccuracy(e.ValidationAccuracy))).ToList();
            svg.Polyline(accuracyPoints, ValidationColour, "stroke-width=\"2\" class=\"validation\"");
        }
        svg.BeginGroup("class=\"loss-points\"");
        foreach (var e in epochs.Where(e => double.IsFinite(e.TrainLoss)))
            svg.Circle(X(e.Epoch), YLoss(e.TrainLoss), 3, $"fill=\"{LossColour}\"", string.Create(inv, $"epoch {e.Epoch}: training loss {e.TrainLoss:F4}"));
        svg.EndGroup();
        if (validation)
        {
            svg.BeginGroup("class=\"validation-points\"");
            foreach (var e in epochs.Where(e => !double.IsNaN(e.ValidationAccuracy)))
                svg.Circle(X(e.Epoch), YAccuracy(e.ValidationAccuracy), e.Epoch == keptEpoch ? 5 : 3,
                    e.Epoch == keptEpoch ? $"fill=\"white\" stroke=\"{ValidationColour}\" stroke-width=\"2\"" : $"fill=\"{ValidationColour}\"",
                    string.Create(inv, $"epoch {e.Epoch}: validation accuracy {e.ValidationAccuracy:P2}"));
            svg.EndGroup();
        }
        return svg.ToString();
    }

    /// <summary>The smallest of 1, 2, 2.5, 5 times a power of ten that is at least <paramref name="x"/> (x above 0).</summary>
    internal static double NiceStep(double x)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(x)));
        foreach (double m in new[] { 1, 2, 2.5, 5, 10 })
            if (m * power >= x * (1 - 1e-12)) return m * power;
        return 10 * power;
    }

    private static string TickFormat(double step)
    {
        int decimals = 0;
        while (decimals < 6 && Math.Abs(step * Math.Pow(10, decimals) - Math.Round(step * Math.Pow(10, decimals))) > 1e-9) decimals++;
        return "F" + decimals.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Epochs between x-axis labels: 1, 2, 5, 10, 20, 50 ..., at most about ten labels.</summary>
    private static int EpochStep(int n)
    {
        for (int step = 1; ; step *= 10)
            foreach (int m in new[] { 1, 2, 5 })
                if (n / (m * step) <= 10) return m * step;
    }
}
