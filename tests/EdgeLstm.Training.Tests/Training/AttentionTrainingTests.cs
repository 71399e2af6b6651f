using EdgeLstm.Core.Float;
using EdgeLstm.Core.Model;
using EdgeLstm.Training.Network;
using EdgeLstm.Training.Optimization;

namespace EdgeLstm.Training.Tests.Training;

/// <summary>
/// The trainer's attention head: backpropagation against central finite differences in float64
/// on LSTM, GRU and stacks (every parameter, also of the layers below, whose gradients now arrive
/// through the pooling), its forward pass against Core's float engine, and the options it refuses.
/// </summary>
public class AttentionTrainingTests
{
    private const int Inputs = 3, Hidden = 4, Classes = 3, Batch = 2, Steps = 6;

    public static TheoryData<string[], int, bool> Cases() => new()
    {
        { ["lstm"], Steps, false },
        { ["gru"], Steps, false },
        { ["lstm", "lstm"], Steps, false },
        { ["gru", "rnn"], Steps, false },
        { ["peephole", "gru-lbr0"], Steps, false },
        // A buffer shorter than the chunk, targets on several steps and a mid-chunk reset: the window start rules.
        { ["lstm"], 4, true },
        { ["gru", "lstm"], 3, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Attention_gradients_match_finite_differences(string[] variants, int window, bool manyTargets)
    {
        var core = WithAttention(TrainingFixtures.Network(variants, Inputs, Hidden, Classes, seed: 31), window, seed: 32);
        var network = new TrainableNetwork<double>(core);
        Assert.IsType<AttentionHead<double>>(network.Head);
        var worker = new ShardWorker<double>(network, Batch, Steps);
        var random = new Random(33);
        double[] weights = [1.0, 0.5, 2.0];
        var shape = new SequenceShape(Batch, Steps, worker.Resets);
        for (int i = 0; i < Batch * Steps * Inputs; i++) worker.Inputs[i] = random.NextDouble() * 2 - 1;
        Array.Fill(worker.Targets, -1);
        for (int b = 0; b < Batch; b++) worker.Resets[shape.Index(0, b)] = true;
        if (manyTargets)
        {
            worker.Resets[shape.Index(3, 1)] = true;
            for (int at = 0; at < Batch * Steps; at++) worker.Targets[at] = random.Next(-1, Classes);
        }
        else
        {
            for (int b = 0; b < Batch; b++) worker.Targets[shape.Index(Steps - 1, b)] = random.Next(Classes);
        }

        worker.Compute(shape, weights, 1.0);
        var analytic = worker.Gradients.Arrays.Select(a => (double[])a.Clone()).ToArray();
        const double eps = 1e-6;
        for (int p = 0; p < network.Parameters.Count; p++)
        {
            var values = network.Parameters[p].Values;
            for (int k = 0; k < values.Length; k++)
            {
                double saved = values[k];
                values[k] = saved + eps;
                double plus = worker.Evaluate(shape, weights);
                values[k] = saved - eps;
                double minus = worker.Evaluate(shape, weights);
                values[k] = saved;
                double numeric = (plus - minus) / (2 * eps);
                Assert.True(Math.Abs(analytic[p][k] - numeric) <= 1e-7 + 1e-5 * Math.Abs(numeric),
                    $"{network.Parameters[p].Name}[{k}]: analytic {analytic[p][k]:R}, numeric {numeric:R}");
            }
        }
        foreach (string name in new[] { "attention.W", "attention.B", "attention.v" })
            Assert.Contains(network.Parameters.Select((q, i) => (q, i)), x => x.q.Name == name && analytic[x.i].Any(v => v != 0));
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void Trainer_forward_equals_the_float_session_at_every_window_end(string variant)
    {
        const int batch = 3, steps = 30, inputs = 5;
        var core = WithAttention(TrainingFixtures.Network([variant, variant], inputs, 16, 4, seed: 34), steps, seed: 35);
        var network = new TrainableNetwork<float>(core);
        var head = Assert.IsType<AttentionHead<float>>(network.Head);
        var worker = new ShardWorker<float>(network, batch, steps);
        var shape = new SequenceShape(batch, steps, worker.Resets);
        var random = new Random(36);
        for (int i = 0; i < batch * steps * inputs; i++) worker.Inputs[i] = (float)(random.NextDouble() * 4 - 2);
        Array.Fill(worker.Targets, 0);
        for (int b = 0; b < batch; b++) worker.Resets[shape.Index(0, b)] = true;
        worker.Evaluate(shape, [1f, 1f, 1f, 1f]);
        var exported = network.ToCore();
        Assert.NotNull(exported.Attention);
        var metadata = ModelMetadata.Default(inputs, 4);
        var logits = new float[4];
        double worst = 0;
        for (int b = 0; b < batch; b++)
        {
            var session = new FloatSession(exported, metadata);
            for (int t = 0; t < steps; t++)
            {
                session.Step(worker.Inputs.AsSpan(shape.Index(t, b) * inputs, inputs));
                head.WindowLogits(worker.HeadTape, worker.TopOutput, shape, t, b, logits);
                for (int c = 0; c < 4; c++) worst = Math.Max(worst, Math.Abs(logits[c] - session.Logits[c]));
            }
        }
        Assert.True(worst <= 1e-5, $"largest logit difference {worst:E2}");
    }

    [Fact]
    public void Shard_workers_at_the_same_time_give_the_gradients_they_give_one_after_another()
    {
        // The shards run in parallel on one network, so each scores its chunk into its own head tape;
        // with the scores kept in the shared head, a shard pooled over the other's scores.
        const int batch = 8, steps = 48, inputs = 5, shards = 2;
        var core = WithAttention(TrainingFixtures.Network(["lstm"], inputs, 16, 4, seed: 37), 32, seed: 38);
        var network = new TrainableNetwork<float>(core);
        var workers = Enumerable.Range(0, shards).Select(_ => new ShardWorker<float>(network, batch, steps)).ToArray();
        var random = new Random(39);
        var shapes = new SequenceShape[shards];
        for (int s = 0; s < shards; s++)
        {
            var w = workers[s];
            shapes[s] = new SequenceShape(batch, steps, w.Resets);
            for (int i = 0; i < w.Inputs.Length; i++) w.Inputs[i] = (float)(random.NextDouble() * 4 - 2);
            for (int at = 0; at < w.Targets.Length; at++) w.Targets[at] = random.Next(-1, 4);
            for (int b = 0; b < batch; b++) w.Resets[shapes[s].Index(0, b)] = true;
        }
        float[] weights = [1f, 0.5f, 2f, 1f];
        var expected = new float[shards][][];
        for (int s = 0; s < shards; s++)
        {
            workers[s].Compute(shapes[s], weights, 0.01f);
            expected[s] = workers[s].Gradients.Arrays.Select(a => (float[])a.Clone()).ToArray();
        }
        for (int run = 0; run < 10; run++)
        {
            // Own threads released together (not the thread pool, which may run both shards on one thread).
            using var start = new Barrier(shards);
            var threads = Enumerable.Range(0, shards).Select(s => new Thread(() =>
            {
                start.SignalAndWait();
                workers[s].Compute(shapes[s], weights, 0.01f);
            })).ToArray();
            foreach (var t in threads) t.Start();
            foreach (var t in threads) t.Join();
            for (int s = 0; s < shards; s++)
                for (int p = 0; p < network.Parameters.Count; p++)
                    Assert.True(expected[s][p].AsSpan().SequenceEqual(workers[s].Gradients.Arrays[p]), $"run {run}, shard {s}: {network.Parameters[p].Name} differs");
        }
    }

    [Fact]
    public void Attention_needs_windowed_training()
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainerOptions { Head = HeadKind.Attention, Mode = ClassificationMode.Streaming }.Validate());
        Assert.Contains("--mode windowed", e.Message);
        new TrainerOptions { Head = HeadKind.Attention }.Validate();
    }

    [Fact]
    public void The_initializer_adds_the_head_without_changing_the_layers()
    {
        var plain = NetworkInitializer.Create("lstm", 3, 8, 1, 4, seed: 5);
        var attention = NetworkInitializer.Create("lstm", 3, 8, 1, 4, seed: 5, attentionSteps: 20, attentionSize: 6);
        Assert.Equal(plain.Layers[0].W, attention.Layers[0].W);
        Assert.Equal(plain.Head.W, attention.Head.W);
        Assert.Equal((8, 6, 20), (attention.Attention!.HiddenSize, attention.Attention.Size, attention.Attention.Steps));
        Assert.Contains(attention.Attention.V, v => v != 0);
    }

    private static FloatNetwork WithAttention(FloatNetwork core, int steps, int seed)
    {
        var random = new Random(seed);
        int hs = core.Head.InputSize;
        var a = new AttentionPooling(hs, hs + 1, steps);
        TrainingFixtures.Fill(random, a.W, 1f);
        TrainingFixtures.Fill(random, a.B, 0.5f);
        TrainingFixtures.Fill(random, a.V, 1.5f);
        return new FloatNetwork(core.Layers, core.Head, a);
    }
}
