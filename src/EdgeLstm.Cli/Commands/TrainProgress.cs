using System.Globalization;
using EdgeLstm.Training.Training;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `train`'s progress: one line per epoch (epoch, loss, accuracies, learning rate, time); on a
/// terminal also a progress bar over the epoch's minibatches, redrawn in place. When the output
/// is redirected only the plain epoch lines are written, so logs stay readable.
/// </summary>
internal sealed class TrainProgress(TextWriter output, bool terminal)
{
    private const int BarWidth = 30;
    private long _lastDraw;

    public TrainingCallbacks Callbacks => new(terminal ? OnBatch : null, OnEpoch);

    private void OnBatch(int epoch, int k, int n)
    {
        long now = Environment.TickCount64;
        if (k != n && now - _lastDraw < 100) return;
        _lastDraw = now;
        int filled = (int)((long)BarWidth * k / n);
        output.Write($"\repoch {epoch,3} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {k}/{n}");
        output.Flush();
    }

    private void OnEpoch(EpochReport e)
    {
        var inv = CultureInfo.InvariantCulture;
        string validation = double.IsNaN(e.ValidationAccuracy) ? "val -" : string.Create(inv, $"val loss {e.ValidationLoss:F4} acc {e.ValidationAccuracy:P2}");
        string line = string.Create(inv,
            $"epoch {e.Epoch,3}  loss {e.TrainLoss:F4}  acc {e.TrainAccuracy:P2}  {validation}  lr {e.LearningRate:G3}  {e.Elapsed.TotalSeconds:F1} s{(e.Improved ? "  *" : "")}");
        if (terminal) output.Write("\r" + new string(' ', BarWidth + 30) + "\r");
        output.WriteLine(line);
        output.Flush();
    }
}
