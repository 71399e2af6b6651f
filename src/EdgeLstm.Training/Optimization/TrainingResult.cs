using EdgeLstm.Training.Data;

namespace EdgeLstm.Training.Optimization;

/// <summary>One epoch's figures. Accuracies are window accuracy (windowed) or labelled-step accuracy (streaming).</summary>
public sealed record EpochReport(int Epoch, double TrainLoss, double TrainAccuracy, double ValidationLoss, double ValidationAccuracy,
    double LearningRate, TimeSpan Elapsed, bool Improved, int Minibatches, long Sequences);

/// <summary>What a training run produced: the float model (best validation epoch) and its history.</summary>
public sealed record TrainingResult(EdgeModel Model, IReadOnlyList<EpochReport> Epochs, int BestEpoch, double BestValidationAccuracy,
    Dataset TrainingSet, Dataset? ValidationSet);

/// <summary>Progress hooks: after each minibatch (k of n in the epoch) and after each epoch.</summary>
public sealed record TrainingCallbacks(Action<int, int, int>? OnBatch = null, Action<EpochReport>? OnEpoch = null);
