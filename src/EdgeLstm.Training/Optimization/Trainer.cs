using System.Diagnostics;
using System.Globalization;
using EdgeLstm.Training.Data;
using EdgeLstm.Training.Network;

namespace EdgeLstm.Training.Optimization;

/// <summary>
/// The float trainer: seeded initialization, minibatches split over a fixed number of shards,
/// weighted cross-entropy, global-norm gradient clipping, AdamW with a cosine learning-rate
/// decay, and early stopping that keeps the epoch with the best validation accuracy. Same data,
/// options and seed give the same model bytes on one machine.
/// </summary>
public static class Trainer
{
    public static TrainingResult Train(Dataset training, Dataset? validation, TrainerOptions options, TrainingCallbacks? callbacks = null)
    {
        options.Validate();
        TrainingSetGuard.Check(training, options);
        if (validation is null) (training, validation) = ValidationSplit.Split(training, options.ValidationFraction, options.Seed);
        var statistics = NormalizationStatistics.Compute(training);
        var (mean, std) = (statistics.Mean, statistics.Std);
        var core = NetworkInitializer.Create(options.Cell, training.ChannelCount, options.Hidden, options.Layers, training.ClassCount, options.Seed, options.CellClip, options.ChronoLag,
            options.Periods?.ToArray(), options.Head == HeadKind.Attention ? options.Window : 0, options.AttentionSize);
        var network = new TrainableNetwork<float>(core);

        var trainSource = CreateSource(training, mean, std, options);
        var weights = ClassWeights(training, options);
        var validationSet = validation is null ? null : new ValidationPass(validation, mean, std, options);
        if (validationSet is { HasTargets: false }) validationSet = null;
        int perShard = (options.BatchSize + options.Shards - 1) / options.Shards;
        var sharded = new ShardedGradient<float>(network, options.Shards, perShard, Math.Max(trainSource.Steps, validationSet?.Source.Steps ?? 0));
        var optimizer = new AdamW<float>(network.Parameters);
        var shuffle = new Random(options.Seed + 1);

        var reports = new List<EpochReport>();
        float[][]? best = null;
        int bestEpoch = 0;
        double bestAccuracy = double.NegativeInfinity;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double lr = LearningRate(options, epoch);
            int batches = trainSource.BeginEpoch(shuffle);
            foreach (var w in sharded.Workers) w.ClearState();
            double lossSum = 0, weightSum = 0;
            long correct = 0, targets = 0, sequences = 0;
            for (int k = 0; k < batches; k++)
            {
                var shapes = trainSource.Fill(k, sharded.Workers);
                var (weight, count) = TargetWeight(sharded.Workers, shapes, weights);
                if (weight > 0)
                {
                    var (loss, right) = sharded.Compute(shapes, weights, 1f / (float)weight);
                    ClipGradient(sharded.Total, options.GradientClip);
                    optimizer.Step(sharded.Total, lr, options.WeightDecay);
                    lossSum += loss;
                    weightSum += weight;
                    correct += right;
                    targets += count;
                }
                else if (trainSource.CarriesState)
                {
                    sharded.Evaluate(shapes, weights); // nothing to learn here, but the state must still advance
                }
                if (trainSource.CarriesState)
                    for (int s = 0; s < shapes.Length; s++) sharded.Workers[s].CarryState(shapes[s]);
                sequences += shapes.Sum(s => s.Batch);
                callbacks?.OnBatch?.Invoke(epoch, k + 1, batches);
            }
            var (valLoss, valAccuracy) = validationSet is null ? (double.NaN, double.NaN) : validationSet.Run(sharded, weights);
            // Without a validation set the last epoch is kept; with one, the best (the earliest of equals).
            double score = validationSet is null ? epoch : valAccuracy;
            bool improved = score > bestAccuracy;
            if (improved)
            {
                bestAccuracy = score;
                bestEpoch = epoch;
                best = network.Snapshot();
            }
            var report = new EpochReport(epoch, lossSum / Math.Max(weightSum, 1e-30), targets == 0 ? 0 : (double)correct / targets,
                valLoss, valAccuracy, lr, clock.Elapsed, improved, batches, sequences);
            reports.Add(report);
            callbacks?.OnEpoch?.Invoke(report);
            if (validationSet is not null && options.Patience > 0 && epoch - bestEpoch >= options.Patience) break;
        }
        network.Restore(best!);
        var metadata = Metadata(training, options, mean, std, bestEpoch, validationSet is null ? double.NaN : bestAccuracy, reports.Count);
        return new TrainingResult(new EdgeModel(metadata, network.ToCore(), null), reports, bestEpoch,
            validationSet is null ? double.NaN : bestAccuracy, training, validation);
    }

    private static IMinibatchSource CreateSource(Dataset data, float[] mean, float[] std, TrainerOptions o)
    {
        var statistics = new NormalizationStatistics(mean, std);
        var normalized = data.Recordings.Select(statistics.Normalize).ToList();
        if (o.Mode == ClassificationMode.Streaming)
            return new StreamingLanes(normalized, data.Recordings.Select(r => r.Labels).ToList(), data.ChannelCount, o.Chunk, o.BatchSize);
        var windows = WindowIndex.Build(data.Recordings, o.Window, o.Hop, o.LabelByLastSample);
        if (windows.Count == 0) throw new ArgumentException($"{data.Name}: no window of {o.Window} samples lies inside one labelled segment");
        // Augmentation draws from its own generator (seed + 2), so runs without it keep their bytes.
        var augmentation = o.Augmentation.Any ? new WindowAugmentation(o.Augmentation, data.Channels, mean, std, o.Seed + 2) : null;
        return new WindowedBatches(normalized, data.ChannelCount, windows, o.Window, o.BatchSize, augmentation, data.Recordings.Select(r => r.Labels).ToList(), o.LabelSteps, o.LabelByLastSample);
    }

    /// <summary>Per-class loss weights: explicit, balanced over the training targets, or all one.</summary>
    internal static float[] ClassWeights(Dataset data, TrainerOptions o)
    {
        int classes = data.ClassCount;
        if (o.ClassWeights is not null)
        {
            if (o.ClassWeights.Count != classes) throw new ArgumentException($"{o.ClassWeights.Count} class weights for {classes} classes");
            return [.. o.ClassWeights];
        }
        var weights = Enumerable.Repeat(1f, classes).ToArray();
        if (o.Weighting == ClassWeighting.None) return weights;
        var counts = new long[classes];
        if (o.Mode == ClassificationMode.Streaming)
        {
            foreach (var r in data.Recordings)
                foreach (int y in r.Labels)
                    if (y >= 0) counts[y]++;
        }
        else
        {
            foreach (var w in WindowIndex.Build(data.Recordings, o.Window, o.Hop, o.LabelByLastSample)) counts[w.Label]++;
        }
        long total = counts.Sum();
        int present = counts.Count(c => c > 0);
        for (int c = 0; c < classes; c++) weights[c] = counts[c] > 0 ? (float)((double)total / (present * counts[c])) : 0f;
        return weights;
    }

    private static (double Weight, int Count) TargetWeight(IReadOnlyList<ShardWorker<float>> workers, SequenceShape[] shapes, float[] weights)
    {
        double sum = 0;
        int count = 0;
        for (int s = 0; s < shapes.Length; s++)
        {
            var targets = workers[s].Targets;
            for (int at = 0; at < shapes[s].Batch * shapes[s].Steps; at++)
                if (targets[at] >= 0)
                {
                    sum += weights[targets[at]];
                    count++;
                }
        }
        return (sum, count);
    }

    private static void ClipGradient(GradientSet<float> gradients, double maxNorm)
    {
        if (maxNorm <= 0) return;
        double norm = gradients.Norm();
        if (norm > maxNorm) gradients.Scale((float)(maxNorm / norm));
    }

    /// <summary>Cosine decay from the base rate to 5% of it at the last epoch (Loshchilov &amp; Hutter 2017, without restarts).</summary>
    private static double LearningRate(TrainerOptions o, int epoch)
    {
        if (!o.CosineSchedule || o.Epochs == 1) return o.LearningRate;
        double progress = (epoch - 1) / (double)(o.Epochs - 1);
        return o.LearningRate * (0.05 + 0.95 * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }

    private static ModelMetadata Metadata(Dataset data, TrainerOptions o, float[] mean, float[] std, int bestEpoch, double validationAccuracy, int epochsRun)
    {
        var inv = CultureInfo.InvariantCulture;
        var metadata = new ModelMetadata
        {
            Name = $"{o.Cell}-{o.Layers}x{o.Hidden}" + (o.Head == HeadKind.Attention ? "-attention" : ""),
            Labels = [.. data.ClassNames],
            Channels = data.Channels.Select((c, i) => new InputChannel(c, i < data.Units.Count ? data.Units[i] : "")).ToList(),
            SampleRateHz = data.SampleRateHz,
            Mean = mean,
            Std = std,
            Mode = o.Mode,
            Window = o.Window,
            Hop = o.ModelHop > 0 ? o.ModelHop : o.Hop,
        };
        metadata.Properties.Add(new("training.dataset", data.Name));
        metadata.Properties.Add(new("training.recordings", data.Recordings.Count.ToString(inv)));
        metadata.Properties.Add(new("training.seed", o.Seed.ToString(inv)));
        metadata.Properties.Add(new("training.epochs", epochsRun.ToString(inv)));
        metadata.Properties.Add(new("training.best_epoch", bestEpoch.ToString(inv)));
        if (!double.IsNaN(validationAccuracy))
            metadata.Properties.Add(new("training.validation_accuracy", validationAccuracy.ToString("F4", inv)));
        return metadata;
    }
}
