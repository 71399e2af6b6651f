using EdgeLstm.Daemon.Processing;

namespace EdgeLstm.Daemon.Tests;

public class EventDetectorTests
{
    private static List<(int Step, int Label)> Run(EventSettings settings, params float[][] steps)
    {
        var d = new EventDetector(settings, steps[0].Length);
        var emitted = new List<(int, int)>();
        for (int i = 0; i < steps.Length; i++) if (d.Update(steps[i])) emitted.Add((i, d.Current));
        return emitted;
    }

    private static readonly float[] A = [0.9f, 0.1f], B = [0.2f, 0.8f], Unsure = [0.55f, 0.45f];

    [Fact]
    public void Change_emits_first_decision_and_each_change() =>
        Assert.Equal([(0, 0), (2, 1), (3, 0)], Run(new EventSettings(), A, A, B, A));

    [Fact]
    public void Min_duration_suppresses_short_blips() =>
        Assert.Equal([(1, 0), (5, 1)], Run(new EventSettings { MinDuration = 2 }, A, A, B, A, B, B, B));

    [Fact]
    public void Threshold_keeps_the_current_label_through_unsure_steps() =>
        Assert.Equal([(0, 0), (3, 1)], Run(new EventSettings { Threshold = 0.7f }, A, Unsure, [0.4f, 0.6f], B));

    [Fact]
    public void Smoothing_delays_a_change_until_the_average_turns()
    {
        // s = 0.5 s + 0.5 p: from 0.9/0.1, B steps give 0.55/0.45, then 0.375/0.625.
        Assert.Equal([(0, 0), (2, 1)], Run(new EventSettings { Smoothing = 0.5f }, A, B, B));
    }

    [Fact]
    public void Hop_emits_the_current_label_every_hop() =>
        Assert.Equal([(1, 0), (3, 0), (5, 1)], Run(new EventSettings { Emit = EmitMode.Hop, Hop = 2 }, A, A, A, A, B, B));
}
