using EdgeLstm.Training.Data;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// Where `train` gets its recordings: a named dataset (`--dataset hapt`: the compact copy in
/// datasets/, split by subject), `--train DIR --test DIR`, or one DIR split by file
/// (docs/datasets.md). A single recording trains without a test set, which is said on stderr
/// (docs/training.md "Training data guards"): it is how a first model is made, so not refused.
/// </summary>
internal static class TrainingData
{
    /// <summary>
    /// The warning `train` prints, once the training set passed its guards, when one recording
    /// leaves no test split (null otherwise).
    /// </summary>
    public static string? NoTestSplit(string? train, string? test, string? dataset)
    {
        if (dataset is not null || test is not null || train is null) return null;
        var files = RecordingDirectory.Files(train);
        return files.Length != 1 ? null
            : $"edgelstm: warning: {train} holds one recording ({Path.GetFileName(files[0])}), so there is no test split: " +
              "the model is trained on it but not tested, nor validated (the last epoch is kept); give --test DIR, or two or more recordings to split by file";
    }

    public static (Dataset Train, Dataset? Test) Load(string? train, string? test, string? dataset, float sampleRateHz)
    {
        if (dataset is not null)
        {
            if (train is not null || test is not null) throw new UsageException("give --dataset NAME or --train DIR, not both");
            var split = DatasetCatalog.Open(dataset);
            return (split.Train, split.Test);
        }
        if (train is null) throw new UsageException("give --train DIR (recording CSV files) or --dataset NAME");
        if (!Directory.Exists(train)) throw new UsageException($"{train}: no such directory");
        if (test is not null)
        {
            var pair = RecordingDirectory.LoadPair(train, test, sampleRateHz);
            return (pair.Train, pair.Test);
        }
        var files = RecordingDirectory.Files(train);
        if (files.Length < 2) return (RecordingDirectory.LoadLabelled(train, sampleRateHz), null);
        var byFile = RecordingDirectory.LoadSplit(train, sampleRateHz);
        return (byFile.Train, byFile.Test);
    }
}
