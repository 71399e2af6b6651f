using EdgeLstm.Core.Model;
using EdgeLstm.Training.Network;
using EdgeLstm.Training.Optimization;

namespace EdgeLstm.Training.Tests.Training;

/// <summary>The streaming minibatch source: every sample once per epoch, state reset exactly where a recording (re)starts.</summary>
public class TrainingStreamingLanesTests
{
    [Fact]
    public void An_epoch_visits_every_sample_once_with_resets_at_fresh_starts()
    {
        var data = TrainerFixtures.Oscillations(5, 300, seed: 9);
        // Samples encode (recording + 1, index); padding is all zero so the lanes' contents can be traced back.
        var normalized = Enumerable.Range(0, 5).Select(r => Enumerable.Range(0, 300).SelectMany(i => new[] { r + 1f, (float)i }).ToArray()).ToList();
        var lanes = new StreamingLanes(normalized, data.Recordings.Select(r => r.Labels).ToList(), 2, chunk: 40, lanes: 4);
        var network = new TrainableNetwork<float>(NetworkInitializer.Create("gru", 2, 3, 1, 3, seed: 1));
        var workers = Enumerable.Range(0, 2).Select(_ => new ShardWorker<float>(network, 2, 40)).ToArray();
        int chunks = lanes.BeginEpoch(new Random(3));
        var seen = new int[5, 300];
        var previous = new (int R, int I)?[4];
        for (int k = 0; k < chunks; k++)
        {
            var shapes = lanes.Fill(k, workers);
            for (int s = 0; s < 2; s++)
                for (int b = 0; b < shapes[s].Batch; b++)
                {
                    int lane = s * 2 + b;
                    for (int t = 0; t < 40; t++)
                    {
                        int at = shapes[s].Index(t, b);
                        bool reset = workers[s].Resets[at];
                        if (workers[s].Inputs[at * 2] == 0)
                        {
                            Assert.True(reset && workers[s].Targets[at] < 0); // padding: masked, no state
                            previous[lane] = null;
                            continue;
                        }
                        int r = (int)workers[s].Inputs[at * 2] - 1, i = (int)workers[s].Inputs[at * 2 + 1];
                        seen[r, i]++;
                        Assert.Equal(data.Recordings[r].Labels[i], workers[s].Targets[at]);
                        bool continues = previous[lane] is { } p && p.R == r && p.I == i - 1;
                        Assert.Equal(!continues, reset);
                        previous[lane] = (r, i);
                    }
                }
        }
        foreach (int count in seen) Assert.Equal(1, count);
    }
}
