using EdgeLstm.Core.Model;
using EdgeLstm.Training.Data;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// Where `eval` and `quantize` get recordings: a directory of CSV recordings, or a named dataset's
/// split (`--dataset hapt`: test subjects for eval, training subjects for calibration).
/// </summary>
internal static class DataSource
{
    public static Dataset Test(DirectoryInfo? directory, string? dataset) => Load(directory, dataset, "--test", split => split.Test);

    public static Dataset Calibration(DirectoryInfo? directory, string? dataset) => Load(directory, dataset, "--calibration", split => split.Train);

    private static Dataset Load(DirectoryInfo? directory, string? dataset, string option, Func<DatasetSplit, Dataset> part)
    {
        if ((directory is null) == (dataset is null)) throw new UsageException($"give exactly one of {option} DIR or --dataset NAME");
        if (directory is not null) return RecordingDirectory.Load(directory.FullName);
        if (dataset != HaptDataset.Name) throw new UsageException($"unknown dataset '{dataset}' (known: {string.Join(", ", DatasetCatalog.Names)})");
        // All 12 classes: the model's labels decide which are scored (a six-activity model scores the six).
        return part(HaptDataset.SplitBySubject(HaptDataset.LoadAll(DatasetCatalog.DirectoryOf(HaptDataset.Name))));
    }

    public static string Describe(DirectoryInfo? directory, string? dataset, string part) =>
        directory?.FullName ?? $"{dataset} ({part})";

    /// <summary>
    /// Calibration sequences in the model's input order, shaped the way the model runs: whole
    /// recordings for streaming models, windows every hop for windowed ones.
    /// </summary>
    public static List<float[][]> Sequences(EdgeModel model, Dataset data)
    {
        var binding = Training.Evaluation.DataBinding.Create(model, data);
        var meta = model.Metadata;
        var result = new List<float[][]>();
        foreach (var r in data.Recordings)
        {
            if (meta.Mode == ClassificationMode.Windowed && meta.Window > 0 && meta.Hop > 0)
            {
                for (int start = 0; start + meta.Window <= r.Length; start += meta.Hop) result.Add(Rows(r, start, meta.Window, binding));
            }
            else
            {
                result.Add(Rows(r, 0, r.Length, binding));
            }
        }
        return result;
    }

    private static float[][] Rows(Recording r, int start, int length, Training.Evaluation.DataBinding binding)
    {
        var rows = new float[length][];
        for (int t = 0; t < length; t++)
        {
            rows[t] = new float[binding.Inputs];
            binding.Gather(r, start + t, rows[t]);
        }
        return rows;
    }
}
