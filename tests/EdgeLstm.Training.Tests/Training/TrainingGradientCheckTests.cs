using EdgeLstm.Core.Model;
using EdgeLstm.Training.Network;
using EdgeLstm.Training.Optimization;

namespace EdgeLstm.Training.Tests.Training;

/// <summary>
/// Backpropagation through time against central finite differences, in float64 (the trainer is
/// generic over the float type): every parameter of every layer and the head, for every cell
/// variant, stacks, clipping, and both modes (loss at the end of a window; loss on every
/// labelled step of a streaming chunk with carried state, a mid-chunk reset and masked steps).
/// </summary>
public class TrainingGradientCheckTests
{
    private const int Inputs = 3, Hidden = 4, Classes = 3, Batch = 2, Steps = 6;

    [Theory]
    [MemberData(nameof(Variants))]
    public void Windowed_gradients_match_finite_differences(string variant) =>
        Check(TrainingFixtures.Network([variant], Inputs, Hidden, Classes, seed: 11), streaming: false, seed: 1);

    [Theory]
    [MemberData(nameof(Variants))]
    public void Streaming_gradients_match_finite_differences(string variant) =>
        Check(TrainingFixtures.Network([variant], Inputs, Hidden, Classes, seed: 12), streaming: true, seed: 2);

    [Theory]
    [MemberData(nameof(Variants))]
    public void Clipped_gradients_match_finite_differences(string variant) =>
        Check(TrainingFixtures.Network([variant], Inputs, Hidden, Classes, seed: 13, scale: 3f, clip: 0.8f), streaming: true, seed: 3);

    [Theory]
    [InlineData("lstm", "lstm", false)]
    [InlineData("gru", "rnn", true)]
    [InlineData("peephole", "gru-lbr0", true)]
    [InlineData("cifg", "lstm", false)]
    [InlineData("mut1", "gru", true)]
    [InlineData("lstm", "mut1", false)]
    [InlineData("mut2", "rnn", true)]
    [InlineData("gru", "mut2", false)]
    [InlineData("mut3", "mut1", true)]
    [InlineData("mut2", "mut3", false)]
    public void Stacked_gradients_match_finite_differences(string lower, string upper, bool streaming) =>
        Check(TrainingFixtures.Network([lower, upper], Inputs, Hidden, Classes, seed: 14), streaming, seed: 4);

    public static TheoryData<string> Variants() => TrainingFixtures.VariantData();

    public static TheoryData<string> Lineage() => TrainingFixtures.LineageData();

    /// <summary>Clockwork RNN and depth-gated LSTM stacks, windowed: the loss at the window's end.</summary>
    [Theory]
    [MemberData(nameof(Lineage))]
    public void Lineage_windowed_gradients_match_finite_differences(string stack) =>
        Check(TrainingFixtures.Network(TrainingFixtures.Stack(stack), Inputs, Hidden, Classes, seed: 31), streaming: false, seed: 5);

    /// <summary>Streaming: the clock and the cells are carried from a first chunk; a sequence restarts mid-chunk.</summary>
    [Theory]
    [MemberData(nameof(Lineage))]
    public void Lineage_streaming_gradients_match_finite_differences(string stack) =>
        Check(TrainingFixtures.Network(TrainingFixtures.Stack(stack), Inputs, Hidden, Classes, seed: 32), streaming: true, seed: 6);

    [Theory]
    [MemberData(nameof(Lineage))]
    public void Lineage_clipped_gradients_match_finite_differences(string stack) =>
        Check(TrainingFixtures.Network(TrainingFixtures.Stack(stack), Inputs, Hidden, Classes, seed: 33, scale: 3f, clip: 0.8f), streaming: true, seed: 7);

    /// <summary>The lineage under and over the standard cells: gradients cross into and out of them.</summary>
    [Theory]
    [InlineData("gru+clockwork:1,2", true)]
    [InlineData("clockwork:1,2,4,8+lstm", false)]
    [InlineData("clockwork:1,3+clockwork:1,2", true)]
    [InlineData("lstm+depth-gated+rnn", true)]
    [InlineData("lstm+depth-gated+depth-gated", false)]
    public void Lineage_stacked_gradients_match_finite_differences(string stack, bool streaming) =>
        Check(TrainingFixtures.Network(TrainingFixtures.Stack(stack), Inputs, Hidden, Classes, seed: 34), streaming, seed: 8);

    /// <summary>Training runs the same generic code in float32: its gradients follow the float64 ones closely.</summary>
    [Theory]
    [MemberData(nameof(Variants))]
    [InlineData("clockwork:1,2,4,8")]
    [InlineData("depth-gated")]
    public void Float32_gradients_agree_with_float64(string variant)
    {
        var core = TrainingFixtures.Network([variant == "depth-gated" ? "lstm" : variant, variant], Inputs, 16, Classes, seed: 15);
        var single = new ShardWorker<float>(new TrainableNetwork<float>(core), Batch, 40);
        var twice = new ShardWorker<double>(new TrainableNetwork<double>(core), Batch, 40);
        var random = new Random(8);
        var shape = new SequenceShape(Batch, 40, single.Resets);
        for (int i = 0; i < Batch * 40 * Inputs; i++) twice.Inputs[i] = single.Inputs[i] = (float)(random.NextDouble() * 2 - 1);
        for (int at = 0; at < Batch * 40; at++)
        {
            twice.Targets[at] = single.Targets[at] = random.Next(-1, Classes);
            twice.Resets[at] = single.Resets[at] = at < Batch;
        }
        single.Compute(shape, [1f, 0.5f, 2f], 0.01f);
        twice.Compute(shape with { Resets = twice.Resets }, [1.0, 0.5, 2.0], 0.01);
        for (int p = 0; p < single.Gradients.Arrays.Length; p++)
        {
            var f = single.Gradients.Arrays[p];
            var d = twice.Gradients.Arrays[p];
            double diff = 0, norm = 0;
            for (int k = 0; k < d.Length; k++)
            {
                diff += (f[k] - d[k]) * (f[k] - d[k]);
                norm += d[k] * d[k];
            }
            Assert.True(Math.Sqrt(diff) <= 1e-4 * Math.Sqrt(norm) + 1e-9, $"array {p}: relative difference {Math.Sqrt(diff / Math.Max(norm, 1e-300)):E2}");
        }
    }

    private static void Check(FloatNetwork core, bool streaming, int seed)
    {
        var network = new TrainableNetwork<double>(core);
        var worker = new ShardWorker<double>(network, Batch, Steps);
        var random = new Random(seed);
        double[] weights = [1.0, 0.5, 2.0];
        var shape = new SequenceShape(Batch, Steps, worker.Resets);

        Randomize(worker, random);
        if (streaming)
        {
            // A first chunk leaves non-zero carried state; the checked chunk continues from it.
            worker.Evaluate(shape, weights);
            worker.CarryState(shape);
            Randomize(worker, random);
            worker.Resets[shape.Index(3, 1)] = true; // sequence 1 starts a new recording at step 3
            for (int at = 0; at < Batch * Steps; at++) worker.Targets[at] = random.Next(-1, Classes);
        }
        else
        {
            for (int b = 0; b < Batch; b++) worker.Resets[shape.Index(0, b)] = true;
            for (int b = 0; b < Batch; b++) worker.Targets[shape.Index(Steps - 1, b)] = random.Next(Classes);
        }

        worker.Compute(shape, weights, 1.0);
        var analytic = worker.Gradients.Arrays.Select(a => (double[])a.Clone()).ToArray();
        const double eps = 1e-6;
        int checkedCount = 0;
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
                double error = Math.Abs(analytic[p][k] - numeric);
                Assert.True(error <= 1e-7 + 1e-5 * Math.Abs(numeric),
                    $"{network.Parameters[p].Name}[{k}]: analytic {analytic[p][k]:R}, numeric {numeric:R}");
                checkedCount++;
            }
        }
        Assert.True(checkedCount > 50);
        Assert.Contains(analytic, a => a.Any(v => v != 0));
    }

    private static void Randomize(ShardWorker<double> worker, Random random)
    {
        for (int i = 0; i < Batch * Steps * Inputs; i++) worker.Inputs[i] = random.NextDouble() * 2 - 1;
        Array.Clear(worker.Resets);
        Array.Fill(worker.Targets, -1);
    }
}
