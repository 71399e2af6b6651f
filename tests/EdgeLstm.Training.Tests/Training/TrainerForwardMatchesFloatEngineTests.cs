using EdgeLstm.Core.Float;
using EdgeLstm.Core.Model;
using EdgeLstm.Training.Network;
using EdgeLstm.Training.Optimization;

namespace EdgeLstm.Training.Tests.Training;

/// <summary>
/// The trainer's float32 forward pass and Core's float engine are two implementations of one
/// model: every variant and a stack, run over a long sequence, streaming across two chunks with
/// carried state, give the same logits within 1e-5.
/// </summary>
public class TrainerForwardMatchesFloatEngineTests
{
    [Theory]
    [MemberData(nameof(Variants))]
    public void Trainer_forward_equals_float_session_logits(string variant)
    {
        Compare(TrainingFixtures.Network([variant, variant], 5, 16, 4, seed: 21));
        Compare(TrainingFixtures.Network([variant], 5, 16, 4, seed: 22, scale: 3f, clip: 1.5f));
    }

    public static TheoryData<string> Variants() => TrainingFixtures.VariantData();

    [Theory]
    [InlineData("clockwork:1,2,4,8")]
    [InlineData("clockwork:1,3,7,10")]
    [InlineData("lstm+depth-gated")]
    [InlineData("peephole+depth-gated+depth-gated")]
    [InlineData("cifg+depth-gated")]
    public void Trainer_forward_equals_float_session_logits_for_the_lineage(string stack)
    {
        var layers = TrainingFixtures.Stack(stack);
        Compare(TrainingFixtures.Network(layers[0].StartsWith("clockwork", StringComparison.Ordinal) ? [layers[0], layers[0]] : layers, 5, 16, 4, seed: 23));
        Compare(TrainingFixtures.Network(layers, 5, 16, 4, seed: 24, scale: 3f, clip: 1.5f));
    }

    private static void Compare(FloatNetwork core)
    {
        const int batch = 3, chunk = 40, chunks = 2, inputs = 5;
        var network = new TrainableNetwork<float>(core);
        var worker = new ShardWorker<float>(network, batch, chunk);
        var metadata = ModelMetadata.Default(inputs, core.OutputSize);
        var sessions = Enumerable.Range(0, batch).Select(_ => new FloatSession(network.ToCore(), metadata)).ToArray();
        var random = new Random(7);
        var shape = new SequenceShape(batch, chunk, worker.Resets);
        var trainerLogits = new float[core.OutputSize];
        var sample = new float[inputs];
        double worst = 0;
        for (int k = 0; k < chunks; k++)
        {
            for (int i = 0; i < batch * chunk * inputs; i++) worker.Inputs[i] = (float)(random.NextDouble() * 4 - 2);
            Array.Fill(worker.Targets, 0);
            for (int b = 0; b < batch; b++) worker.Resets[shape.Index(0, b)] = k == 0;
            worker.Evaluate(shape, [1f, 1f, 1f, 1f]);
            for (int t = 0; t < chunk; t++)
                for (int b = 0; b < batch; b++)
                {
                    int at = shape.Index(t, b);
                    worker.Inputs.AsSpan(at * inputs, inputs).CopyTo(sample);
                    sessions[b].Step(sample);
                    network.Head.Logits(worker.TopOutput.Slice(at * core.Head.InputSize, core.Head.InputSize), trainerLogits);
                    for (int c = 0; c < trainerLogits.Length; c++)
                        worst = Math.Max(worst, Math.Abs(trainerLogits[c] - sessions[b].Logits[c]));
                }
            worker.CarryState(shape);
        }
        Assert.True(worst <= 1e-5, $"largest logit difference {worst:E2}");
    }
}
