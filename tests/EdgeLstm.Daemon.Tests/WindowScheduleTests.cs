using CsCheck;
using EdgeLstm.Core;
using EdgeLstm.Core.Model;
using EdgeLstm.Daemon.Processing;

namespace EdgeLstm.Daemon.Tests;

/// <summary>
/// Issue 16: one window schedule (Core's <see cref="WindowSchedule"/>) for the daemon's
/// <see cref="WindowRing"/> and the streaming evaluation; a model whose hop exceeds its window is
/// refused, since the samples between its windows would never be classified.
/// </summary>
public class WindowScheduleTests
{
    /// <summary>Records what it is stepped over since its last reset.</summary>
    private sealed class RecordingSession(int inputs) : IClassifierSession
    {
        public List<float> Seen { get; } = [];
        public int InputSize => inputs;
        public int OutputSize => 1;
        public int Predicted => 0;
        public void Step(ReadOnlySpan<float> sample) => Seen.AddRange(sample.ToArray());
        public void Reset() => Seen.Clear();
        public void GetProbabilities(Span<float> destination) => destination[0] = 1;
    }

    [Fact]
    public void The_ring_closes_where_the_schedule_says_and_replays_the_last_window_oldest_first()
    {
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 40], Gen.Int[0, 200], Gen.Int[0, 200]).Where(c => c.Item2 <= c.Item1).Sample((window, hop, samples, resetAt) =>
        {
            var schedule = WindowSchedule.Of(new ModelMetadata { Mode = ClassificationMode.Windowed, Window = window, Hop = hop })!.Value;
            var ring = new WindowRing(schedule, inputs: 2);
            var session = new RecordingSession(2);
            int since = 0; // samples since the last reset, as the evaluation counts from a recording's start
            for (int t = 0; t < samples; t++)
            {
                if (t == resetAt)
                {
                    ring.Clear();
                    since = 0;
                }
                since++;
                bool closes = ring.Push([t, -t]);
                Assert.Equal(since >= window && (since - window) % hop == 0, closes);
                if (!closes) continue;
                ring.Replay(session);
                float[] expected = [.. Enumerable.Range(t - window + 1, window).SelectMany(k => new float[] { k, -k })];
                Assert.Equal(expected, session.Seen);
            }
        });
    }

    [Theory]
    [InlineData(64, 65, "the model's hop of 65 samples exceeds its window of 64")]
    [InlineData(0, 1, "a windowed model needs a window of at least 1 sample")]
    [InlineData(16, 0, "a windowed model needs a hop of at least 1 sample")]
    public void A_windowed_model_with_a_hop_beyond_its_window_is_refused(int window, int hop, string expected)
    {
        var model = TestModels.Streaming;
        var metadata = new ModelMetadata { Mode = ClassificationMode.Windowed, Window = window, Hop = hop };
        var e = Assert.Throws<ModelException>(() => new EdgeModel(metadata, model.Float, model.Integer));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
        Assert.Throws<ModelException>(() => WindowSchedule.Of(metadata));
    }
}
