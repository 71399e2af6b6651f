using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;
using EdgeLstm.Training.Optimization;

namespace EdgeLstm.Training.Tests.Training;

public class TrainerTests
{
    private static TrainerOptions Tiny(string cell, ClassificationMode mode) => new()
    {
        Cell = cell, Hidden = 8, Layers = 1, Epochs = 4, Seed = 5, Mode = mode, Window = 32, Hop = 16, Chunk = 32,
        BatchSize = 8, LearningRate = 0.01, Patience = 0,
    };

    [Theory]
    [InlineData(ClassificationMode.Windowed)]
    [InlineData(ClassificationMode.Streaming)]
    public void Training_twice_with_one_seed_gives_identical_model_bytes(ClassificationMode mode)
    {
        var data = TrainerFixtures.Oscillations(6, 600, seed: 1);
        var options = Tiny("lstm", mode) with { Layers = 2 };
        var first = ModelFileWriter.ToBytes(Trainer.Train(data, null, options).Model);
        var second = ModelFileWriter.ToBytes(Trainer.Train(data, null, options).Model);
        Assert.Equal(first, second);
        var other = ModelFileWriter.ToBytes(Trainer.Train(data, null, options with { Seed = 6 }).Model);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Attention_training_with_two_shards_gives_identical_model_bytes_every_run()
    {
        // The shards run in parallel on one network; an attention head that kept its scores in itself
        // (not in the shard's tape) let one shard pool over the other's, and the bytes changed run to
        // run. Labels on the last 16 steps give the head enough work per shard for the two to overlap,
        // and the test host's busy thread pool gets spare threads, or Parallel.For would run both
        // shards on this thread (seen: one thread id for two 20 ms items).
        var data = TrainerFixtures.Oscillations(6, 600, seed: 1);
        var options = Tiny("lstm", ClassificationMode.Windowed) with { Layers = 2, Head = HeadKind.Attention, Shards = 2, LabelSteps = 16 };
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 8), io);
        var first = ModelFileWriter.ToBytes(Trainer.Train(data, null, options).Model);
        for (int run = 0; run < 2; run++) Assert.Equal(first, ModelFileWriter.ToBytes(Trainer.Train(data, null, options).Model));
    }

    [Theory]
    [InlineData("lstm", ClassificationMode.Windowed)]
    [InlineData("gru", ClassificationMode.Windowed)]
    [InlineData("rnn", ClassificationMode.Streaming)]
    [InlineData("cifg", ClassificationMode.Streaming)]
    public void Training_learns_separable_classes(string cell, ClassificationMode mode)
    {
        var data = TrainerFixtures.Oscillations(6, 800, seed: 2);
        var result = Trainer.Train(data, null, Tiny(cell, mode) with { Epochs = 8 });
        Assert.True(result.BestValidationAccuracy > 0.8, $"validation accuracy {result.BestValidationAccuracy:F3}");
        Assert.True(result.Epochs[^1].TrainLoss < result.Epochs[0].TrainLoss);
    }

    [Fact]
    public void Early_stopping_keeps_the_best_epoch_and_metadata_describes_the_run()
    {
        var data = TrainerFixtures.Oscillations(6, 600, seed: 3);
        var result = Trainer.Train(data, null, Tiny("gru", ClassificationMode.Windowed) with { Epochs = 30, Patience = 2, LearningRate = 0.05 });
        Assert.True(result.Epochs.Count < 30 || result.BestEpoch <= 30);
        Assert.Equal(result.Epochs.Max(e => e.ValidationAccuracy), result.BestValidationAccuracy);
        Assert.Equal(result.Epochs.First(e => e.ValidationAccuracy == result.BestValidationAccuracy).Epoch, result.BestEpoch);
        var m = result.Model.Metadata;
        Assert.Equal(["slow", "medium", "fast"], m.Labels);
        Assert.Equal(2, m.Mean.Length);
        Assert.Equal(ClassificationMode.Windowed, m.Mode);
        Assert.Equal(32, m.Window);
        Assert.NotNull(ValidationSplit.Split(data, 0.15, 1).Validation);
    }

    [Fact]
    public void Balanced_weights_equalize_class_totals()
    {
        var data = TrainerFixtures.Oscillations(4, 2000, seed: 4);
        var options = Tiny("lstm", ClassificationMode.Streaming) with { Weighting = ClassWeighting.Balanced };
        var w = Trainer.ClassWeights(data, options);
        var counts = new long[3];
        foreach (var r in data.Recordings) foreach (int y in r.Labels) if (y >= 0) counts[y]++;
        for (int c = 1; c < 3; c++) Assert.Equal(w[0] * counts[0], w[c] * counts[c], 1e-2 * counts.Sum());
    }
}
