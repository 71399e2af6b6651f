using System.Runtime.InteropServices;
using EdgeLstm.Training.Data;

namespace EdgeLstm.Training.Tests;

public class DataWindowingTests
{
    private static Recording Sample => RecordingDirectory.Load(DataRepoFiles.TempDirectoryWithSample()).Recordings[0];

    [Fact]
    public void Uci_har_windows_on_a_real_recording()
    {
        var data = RecordingDirectory.Load(DataRepoFiles.TempDirectoryWithSample());
        // Counted independently with awk over the file's label runs: sum of floor((n - 128) / 64) + 1.
        Assert.Equal(172, Windowing.WithinSegments(data.Recordings).Count);
        var six = ClassView.Restrict(data, HaptClasses.Activities);
        var windows = Windowing.WithinSegments(six.Recordings);
        Assert.Equal(159, windows.Count);
        Assert.All(windows, w =>
        {
            Assert.Equal(128, w.Length);
            Assert.All(w.Recording.Labels.AsSpan(w.Start, w.Length).ToArray(), l => Assert.Equal(w.Label, l));
        });
        // Windows start at segment starts and every 64 samples after.
        var first = windows[0];
        Assert.NotEqual(first.Label, first.Start == 0 ? -2 : first.Recording.Labels[first.Start - 1]);
    }

    [Fact]
    public void Sliding_windows_follow_the_label_rule()
    {
        int u = Recording.Unlabelled;
        var r = new Recording("r", 1, new float[10], [0, 0, 0, 0, 1, 1, 1, u, u, u]);
        Assert.Equal([(0, 0)], Windowing.Sliding([r], 4, 2, WindowLabelRule.Uniform).Select(w => (w.Start, w.Label)));
        // Windows at 0, 2, 4, 6: [0000] [0011] [111u] [1uuu].
        Assert.Equal([(0, 0), (2, 0), (4, 1)], Windowing.Sliding([r], 4, 2, WindowLabelRule.Majority).Select(w => (w.Start, w.Label)));
        Assert.Equal([(0, 0), (2, 1)], Windowing.Sliding([r], 4, 2, WindowLabelRule.Last).Select(w => (w.Start, w.Label)));
        Assert.Equal(4, Windowing.Sliding([r], 1, 1, WindowLabelRule.Uniform).Count(w => w.Label == 0));
        Assert.Equal([3, 3], Windowing.CountPerClass(Windowing.Sliding([r], 1, 1, WindowLabelRule.Uniform).Where(w => w.Start > 0), 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Windowing.Sliding([r], 0, 1, WindowLabelRule.Uniform));
        Assert.Throws<ArgumentOutOfRangeException>(() => Windowing.WithinSegments([r], 4, 0));
    }

    [Fact]
    public void A_window_is_a_view_of_the_recording()
    {
        var r = Sample;
        var w = Windowing.WithinSegments([r])[3];
        Assert.True(Unsafe(w.Samples, r.Samples.AsSpan(w.Start * 6)));
        Assert.Equal(r.Row(w.Start + 5).ToArray(), w.Row(5).ToArray());
        Assert.Equal(w.Start + 127, w.End);
    }

    private static bool Unsafe(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        System.Runtime.CompilerServices.Unsafe.AreSame(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b));

    [Fact]
    public void Normalization_statistics_match_a_two_pass_computation()
    {
        var r = Sample;
        var stats = NormalizationStatistics.Compute([r, r], 6);
        for (int c = 0; c < 6; c++)
        {
            double mean = 0, sq = 0;
            for (int t = 0; t < r.Length; t++) mean += r.Row(t)[c];
            mean /= r.Length;
            for (int t = 0; t < r.Length; t++) sq += (r.Row(t)[c] - mean) * (r.Row(t)[c] - mean);
            Assert.Equal(mean, stats.Mean[c], 1e-6);
            Assert.Equal(Math.Sqrt(sq / r.Length), stats.Std[c], 1e-6);
        }
        var constant = NormalizationStatistics.Compute([new Recording("c", 1, [2f, 2f], [0, 0])], 1);
        Assert.Equal((2f, 1f), (constant.Mean[0], constant.Std[0]));
        var meta = new EdgeLstm.Core.Model.ModelMetadata();
        stats.ApplyTo(meta);
        Assert.Equal(stats.Mean, meta.Mean);
        Assert.Equal(stats.Std, meta.Std);
    }
}
