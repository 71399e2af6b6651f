using EdgeLstm.Training.Optimization;
using EdgeLstm.Cli.Commands;

namespace EdgeLstm.Cli.Tests;

/// <summary>`train`'s progress: the terminal's status line and its ETA as pure functions, and what a terminal and a redirected log each get.</summary>
public class TrainProgressTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(0.4, "0s")]
    [InlineData(45, "45s")]
    [InlineData(72, "1m12s")]
    [InlineData(725, "12m05s")]
    [InlineData(3599.4, "59m59s")]
    [InlineData(3780, "1h03m")]
    [InlineData(90_000, "25h00m")]
    public void Durations_are_short(double seconds, string text) =>
        Assert.Equal(text, TrainProgress.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Eta_is_the_mean_epoch_time_times_the_epochs_left_less_the_current_one()
    {
        Assert.Null(TrainProgress.Eta(0, 10, TimeSpan.Zero, TimeSpan.FromSeconds(5)));
        // 3 epochs in 30 s: 10 s each, 7 left = 70 s, 4 s of the fourth already spent.
        Assert.Equal(TimeSpan.FromSeconds(66), TrainProgress.Eta(3, 10, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(4)));
        Assert.Equal(TimeSpan.Zero, TrainProgress.Eta(3, 4, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(25))); // slower than the mean: never negative
        Assert.Equal(TimeSpan.Zero, TrainProgress.Eta(4, 4, TimeSpan.FromSeconds(40), TimeSpan.Zero));
    }

    [Fact]
    public void The_status_line_names_epoch_of_total_loss_validation_and_eta()
    {
        Assert.Equal("epoch 7/40  loss 0.412  val 0.883  ETA 1m12s", TrainProgress.Format(7, 40, 0, 0, 0.41231, 0.8829, TimeSpan.FromSeconds(72)));
        Assert.Equal("epoch 8/40 [##########..........] 25/50  loss 0.412  val 0.883  ETA 1m12s",
            TrainProgress.Format(8, 40, 25, 50, 0.41231, 0.8829, TimeSpan.FromSeconds(72)));
        // Before the first epoch has finished: no figures, no ETA.
        Assert.Equal("epoch 1/40 [##..................] 5/50", TrainProgress.Format(1, 40, 5, 50, double.NaN, double.NaN, null));
        // No validation split: no val.
        Assert.Equal("epoch 3/5  loss 1.000  ETA 5s", TrainProgress.Format(3, 5, 0, 0, 1, double.NaN, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void A_terminal_gets_the_status_line_in_place_and_a_redirected_log_plain_lines()
    {
        var terminal = Drive(true, 3, 3);
        Assert.Contains('\r', terminal);
        Assert.Contains("epoch 1/3 [", terminal);
        Assert.Contains("epoch 2/3 [", terminal);
        Assert.Contains("  ETA ", terminal);
        Assert.Contains("epoch   1  loss 0.9000", terminal);
        Assert.DoesNotContain('\x1b', terminal); // a carriage return and spaces, no escape sequences
        // The last epoch: its line, after the status line was blanked, and no status line after it.
        Assert.StartsWith("epoch   3  loss 0.7000", terminal.TrimEnd('\n').Split('\n')[^1].Split('\r')[^1]);
        Assert.EndsWith("\n", terminal);
        // Stopped early (3 of at most 5): the next epoch's status line was drawn, Finish() blanks it and returns to the line's start.
        Assert.Matches(@"epoch 4/5 \[\.+\] 0/4  loss 0\.700  val 0\.900  ETA 4s\r +\r$", Drive(true, 5, 3));

        var log = Drive(false, 3, 3);
        Assert.DoesNotContain('\r', log);
        Assert.DoesNotContain('\x1b', log);
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, (l, i) => Assert.StartsWith($"epoch   {i + 1}  loss ", l));
    }

    /// <summary>What the progress writes for <paramref name="run"/> epochs of at most <paramref name="total"/>, of 4 minibatches and 2 s each.</summary>
    private static string Drive(bool terminal, int total, int run)
    {
        var output = new StringWriter { NewLine = "\n" };
        var progress = new TrainProgress(output, terminal, total);
        var callbacks = progress.Callbacks;
        Assert.Equal(terminal, callbacks.OnBatch is not null);
        for (int epoch = 1; epoch <= run; epoch++)
        {
            for (int k = 1; k <= 4; k++) callbacks.OnBatch?.Invoke(epoch, k, 4);
            callbacks.OnEpoch!(new EpochReport(epoch, 1 - epoch / 10.0, 0.5, 0.8, 0.6 + epoch / 10.0, 1e-3, TimeSpan.FromSeconds(2), true, 4, 32));
        }
        progress.Finish();
        return output.ToString();
    }
}
