using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;
using EdgeLstm.Training.Network;
using EdgeLstm.Training.Optimization;

namespace EdgeLstm.Training.Tests.Training;

/// <summary>Window augmentation: geometry that keeps the sensor's physics, windows that stay in their segment, and seeded determinism.</summary>
public class TrainingAugmentationTests
{
    [Fact]
    public void Triplets_pair_x_y_z_channels_by_name()
    {
        var triplets = WindowAugmentation.Triplets(["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z", "temp"]);
        Assert.Equal([[0, 1, 2], [3, 4, 5]], triplets);
        Assert.Empty(WindowAugmentation.Triplets(["a", "b"]));
    }

    [Fact]
    public void Rotation_keeps_each_triplets_length_and_scale_multiplies_raw_values()
    {
        // Raw vectors of known length (gravity 1 g on one axis), normalized with a non-trivial mean and std.
        float[] mean = [0.1f, -0.2f, 0.3f], std = [0.5f, 2f, 1.5f];
        float[] raw = [0f, 0f, 1f, 0.6f, 0.8f, 0f];
        var window = raw.Select((v, i) => (v - mean[i % 3]) * (1f / std[i % 3])).ToArray();
        var rotate = new WindowAugmentation(new AugmentationOptions { RotateDegrees = 30 }, ["acc_x", "acc_y", "acc_z"], mean, std, seed: 4);
        rotate.Apply(window, steps: 2, channels: 3);
        var back = window.Select((v, i) => v * std[i % 3] + mean[i % 3]).ToArray();
        for (int t = 0; t < 2; t++)
        {
            double length = Math.Sqrt(back.Skip(3 * t).Take(3).Sum(v => (double)v * v));
            Assert.Equal(1.0, length, 4);
        }
        Assert.NotEqual(raw, back.Select(v => (float)Math.Round(v, 4)).ToArray());

        var once = raw.Select((v, i) => (v - mean[i % 3]) * (1f / std[i % 3])).ToArray();
        new WindowAugmentation(new AugmentationOptions { Scale = 0.2 }, ["x", "y", "z"], mean, std, seed: 4).Apply(once, 2, 3);
        var scaled = once.Select((v, i) => v * std[i % 3] + mean[i % 3]).ToArray();
        double gain = scaled[2] / raw[2];
        for (int i = 0; i < raw.Length; i++) Assert.Equal(raw[i] * gain, scaled[i], 4);
    }

    [Fact]
    public void Shifted_starts_stay_inside_the_segment_and_within_the_shift()
    {
        var shift = new WindowAugmentation(new AugmentationOptions { Shift = 10 }, ["a"], [0f], [1f], seed: 1);
        var seen = new HashSet<int>();
        for (int i = 0; i < 500; i++)
        {
            int s = shift.ShiftStart(50, lo: 45, hi: 200);
            Assert.InRange(s, 45, 60);
            seen.Add(s);
        }
        Assert.True(seen.Count > 10);
        Assert.Equal(7, shift.ShiftStart(7, lo: 7, hi: 7));
    }

    [Fact]
    public void Augmented_training_is_deterministic_and_differs_from_plain_training()
    {
        var data = TrainerFixtures.Oscillations(6, 600, seed: 1);
        var options = new TrainerOptions
        {
            Cell = "lstm", Hidden = 8, Layers = 1, Epochs = 2, Seed = 5, Window = 32, Hop = 16, BatchSize = 8, LearningRate = 0.01, Patience = 0,
            Augmentation = new AugmentationOptions { Shift = 8, Scale = 0.1, Noise = 0.05 },
        };
        var first = ModelFileWriter.ToBytes(Trainer.Train(data, null, options).Model);
        Assert.Equal(first, ModelFileWriter.ToBytes(Trainer.Train(data, null, options).Model));
        Assert.NotEqual(first, ModelFileWriter.ToBytes(Trainer.Train(data, null, options with { Augmentation = new() }).Model));
    }

    [Fact]
    public void The_model_hop_is_what_the_file_declares_for_the_daemon()
    {
        var data = TrainerFixtures.Oscillations(4, 400, seed: 2);
        var options = new TrainerOptions { Cell = "gru", Hidden = 4, Layers = 1, Epochs = 1, Window = 32, Hop = 16, BatchSize = 8, ModelHop = 4 };
        var model = Trainer.Train(data, null, options).Model;
        Assert.Equal(ClassificationMode.Windowed, model.Metadata.Mode);
        Assert.Equal(4, model.Metadata.Hop);
        Assert.Equal(16, Trainer.Train(data, null, options with { ModelHop = 0 }).Model.Metadata.Hop);
    }
}

/// <summary>Window-level label handling: which windows train, and which of their steps carry loss.</summary>
public class TrainingWindowLabelTests
{
    private static Data.Recording Recording() =>
        // 0..39 class 0, 40..49 unlabelled (a transition), 50..99 class 1.
        new("r", 1, new float[100], Enumerable.Range(0, 100).Select(t => t < 40 ? 0 : t < 50 ? -1 : 1).ToArray());

    [Fact]
    public void Inside_windows_lie_in_one_segment_and_last_sample_windows_take_the_latest_label()
    {
        var inside = WindowIndex.Build([Recording()], window: 20, hop: 10);
        Assert.Equal([(0, 0), (10, 0), (20, 0), (50, 1), (60, 1), (70, 1), (80, 1)], inside.Select(w => (w.Start, w.Label)));
        var last = WindowIndex.Build([Recording()], window: 20, hop: 10, byLastSample: true);
        // Start 40 ends at 59 (class 1) though it begins in the transition; start 30 ends at 49 (unlabelled): left out.
        Assert.Equal([(0, 0), (10, 0), (20, 0), (40, 1), (50, 1), (60, 1), (70, 1), (80, 1)], last.Select(w => (w.Start, w.Label)));
    }

    [Fact]
    public void Label_steps_put_the_samples_own_labels_on_the_windows_last_steps()
    {
        var rec = Recording();
        var windows = WindowIndex.Build([rec], window: 20, hop: 10, byLastSample: true);
        var batches = new WindowedBatches([new float[100]], 1, windows, 20, batchSize: windows.Count, null, [rec.Labels], labelSteps: 15, labelledByLastSample: true);
        var worker = new ShardWorker<float>(new TrainableNetwork<float>(NetworkInitializer.Create("rnn", 1, 2, 1, 2, 1, 0, 0)), windows.Count, 20);
        batches.BeginEpoch(null);
        var shape = batches.Fill(0, [worker])[0];
        int b = windows.FindIndex(w => w.Start == 40);
        var targets = Enumerable.Range(0, 20).Select(t => worker.Targets[shape.Index(t, b)]).ToArray();
        // Steps 0..4 carry no loss; 5..9 are samples 45..49 (unlabelled: masked); 10..19 are class 1.
        Assert.Equal([-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], targets);
    }
}
