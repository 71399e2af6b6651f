using EdgeLstm.Core.Float;
using EdgeLstm.Core.Model;
using EdgeLstm.Training.Network;
using EdgeLstm.Training.Optimization;

namespace EdgeLstm.Training.Tests.Training;

/// <summary>
/// Streaming training keeps a Clockwork RNN's module phase exactly where Core's session has it:
/// a long stream cut into chunks whose length no period divides, state and clock carried from
/// chunk to chunk, one sequence restarting mid-chunk (the clock restarts at 0 there, as
/// FloatSession.Reset does).
/// </summary>
public class ClockworkTrainingPhaseTests
{
    [Fact]
    public void Streamed_chunks_keep_the_clock_of_the_float_session_from_step_0()
    {
        const int batch = 2, chunk = 37, chunks = 6, inputs = 5, hidden = 16;
        int[] periods = [1, 2, 4, 8];
        var core = TrainingFixtures.Network(["clockwork:1,2,4,8"], inputs, hidden, 3, seed: 41);
        var network = new TrainableNetwork<float>(core);
        var worker = new ShardWorker<float>(network, batch, chunk);
        var metadata = ModelMetadata.Default(inputs, 3);
        var sessions = Enumerable.Range(0, batch).Select(_ => new FloatSession(network.ToCore(), metadata)).ToArray();
        var clocks = new long[batch];
        var previous = new float[batch][];
        for (int b = 0; b < batch; b++) previous[b] = new float[hidden];
        var shape = new SequenceShape(batch, chunk, worker.Resets);
        var random = new Random(3);
        var sample = new float[inputs];
        double worst = 0;
        int kept = 0, updated = 0;
        for (int k = 0; k < chunks; k++)
        {
            for (int i = 0; i < batch * chunk * inputs; i++) worker.Inputs[i] = (float)(random.NextDouble() * 4 - 2);
            Array.Clear(worker.Resets);
            for (int b = 0; b < batch; b++) worker.Resets[shape.Index(0, b)] = k == 0;
            if (k == 2) worker.Resets[shape.Index(11, 1)] = true; // sequence 1: a new recording starts here
            Array.Fill(worker.Targets, 0);
            worker.Evaluate(shape, [1f, 1f, 1f]);
            for (int t = 0; t < chunk; t++)
                for (int b = 0; b < batch; b++)
                {
                    int at = shape.Index(t, b);
                    if (worker.Resets[at])
                    {
                        sessions[b].Reset();
                        clocks[b] = 0;
                        Array.Clear(previous[b]);
                    }
                    worker.Inputs.AsSpan(at * inputs, inputs).CopyTo(sample);
                    sessions[b].Step(sample);
                    var h = worker.TopOutput.Slice(at * hidden, hidden);
                    for (int u = 0; u < hidden; u++)
                    {
                        worst = Math.Max(worst, Math.Abs(h[u] - sessions[b].Hidden(0)[u]));
                        // Exactly the modules whose period divides the clock change; the others keep their bits.
                        bool runs = clocks[b] % periods[u / (hidden / periods.Length)] == 0;
                        if (runs) updated++;
                        else
                        {
                            Assert.Equal(previous[b][u], h[u]);
                            kept++;
                        }
                    }
                    h.CopyTo(previous[b]);
                    clocks[b]++;
                }
            worker.CarryState(shape);
        }
        Assert.True(worst <= 1e-5, $"largest hidden difference {worst:E2}");
        Assert.True(kept > 0 && updated > kept / 2);
    }
}
