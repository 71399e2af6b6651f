using EdgeLstm.Training.Optimization;
using System.Diagnostics;
using System.Globalization;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `train`'s progress: one line per epoch (epoch, loss, accuracies, learning rate, time). On a
/// terminal also a status line under them, redrawn in place with a carriage return:
/// `epoch 8/40 [#####...] 31/50  loss 0.412  val 0.883  ETA 1m12s` (the epoch under way and its
/// minibatches; loss and validation accuracy of the last finished epoch; the time left at the mean
/// epoch time so far, for the maximum number of epochs: early stopping may end sooner). When the
/// output is redirected only the plain epoch lines are written, without control characters, so
/// logs stay readable.
/// </summary>
internal sealed class TrainProgress(TextWriter output, bool terminal, int totalEpochs, int maxWidth = 0)
{
    private const int BarWidth = 20;
    private readonly Stopwatch _sinceEpoch = Stopwatch.StartNew();
    private long _lastDraw = long.MinValue;
    private int _drawn;
    private int _done, _batches;
    private TimeSpan _doneTime;
    private double _loss = double.NaN, _validation = double.NaN;

    public TrainingCallbacks Callbacks => new(terminal ? OnBatch : null, OnEpoch);

    /// <summary>Training is over: clears the status line, so what is printed next starts on a clean line.</summary>
    public void Finish()
    {
        if (terminal) Clear();
    }

    /// <summary>The time left, from the mean time of the <paramref name="done"/> finished epochs: the epochs left at that
    /// pace, less what the current one has taken already (never below zero); null until an epoch has finished.</summary>
    public static TimeSpan? Eta(int done, int totalEpochs, TimeSpan doneTime, TimeSpan inCurrent)
    {
        if (done < 1) return null;
        double left = doneTime.TotalSeconds / done * Math.Max(0, totalEpochs - done) - inCurrent.TotalSeconds;
        return TimeSpan.FromSeconds(Math.Max(0, left));
    }

    /// <summary>A short duration: 45s, 1m12s, 12m05s, 1h03m (whole seconds, rounded).</summary>
    public static string Duration(TimeSpan t)
    {
        long s = (long)Math.Round(Math.Max(0, t.TotalSeconds));
        var inv = CultureInfo.InvariantCulture;
        if (s < 60) return string.Create(inv, $"{s}s");
        if (s < 3600) return string.Create(inv, $"{s / 60}m{s % 60:00}s");
        long m = (s + 30) / 60;
        return string.Create(inv, $"{m / 60}h{m % 60:00}m");
    }

    /// <summary>The terminal's status line: the epoch under way (k of <paramref name="totalEpochs"/>), a bar over its
    /// minibatches when <paramref name="batches"/> is known (above 0), the last finished epoch's loss and validation
    /// accuracy (left out while NaN: none finished, or no validation split), and the ETA when there is one.</summary>
    public static string Format(int epoch, int totalEpochs, int batch, int batches, double loss, double validationAccuracy, TimeSpan? eta)
    {
        var inv = CultureInfo.InvariantCulture;
        var line = new System.Text.StringBuilder(string.Create(inv, $"epoch {epoch}/{totalEpochs}"));
        if (batches > 0)
        {
            int filled = (int)((long)BarWidth * Math.Clamp(batch, 0, batches) / batches);
            line.Append(inv, $" [{new string('#', filled)}{new string('.', BarWidth - filled)}] {batch}/{batches}");
        }
        if (!double.IsNaN(loss)) line.Append(inv, $"  loss {loss:F3}");
        if (!double.IsNaN(validationAccuracy)) line.Append(inv, $"  val {validationAccuracy:F3}");
        if (eta is { } left) line.Append("  ETA ").Append(Duration(left));
        return line.ToString();
    }

    private void OnBatch(int epoch, int k, int n)
    {
        _batches = n;
        long now = Environment.TickCount64;
        if (k != n && now - _lastDraw < 100) return;
        _lastDraw = now;
        Draw(epoch, k, n);
    }

    private void OnEpoch(EpochReport e)
    {
        var inv = CultureInfo.InvariantCulture;
        _done = e.Epoch;
        _doneTime += e.Elapsed;
        _loss = e.TrainLoss;
        _validation = e.ValidationAccuracy;
        _sinceEpoch.Restart();
        string validation = double.IsNaN(e.ValidationAccuracy) ? "val -" : string.Create(inv, $"val loss {e.ValidationLoss:F4} acc {e.ValidationAccuracy:P2}");
        string line = string.Create(inv,
            $"epoch {e.Epoch,3}  loss {e.TrainLoss:F4}  acc {e.TrainAccuracy:P2}  {validation}  lr {e.LearningRate:G3}  {e.Elapsed.TotalSeconds:F1} s{(e.Improved ? "  *" : "")}");
        if (terminal) Clear();
        output.WriteLine(line);
        if (terminal && e.Epoch < totalEpochs) Draw(e.Epoch + 1, 0, _batches);
        output.Flush();
    }

    private void Draw(int epoch, int k, int n)
    {
        string status = Format(epoch, totalEpochs, k, n, _loss, _validation, Eta(_done, totalEpochs, _doneTime, _sinceEpoch.Elapsed));
        if (maxWidth > 0 && status.Length > maxWidth) status = status[..maxWidth];
        output.Write("\r" + status.PadRight(_drawn));
        _drawn = status.Length;
        output.Flush();
    }

    private void Clear()
    {
        if (_drawn == 0) return;
        output.Write("\r" + new string(' ', _drawn) + "\r");
        _drawn = 0;
    }
}
