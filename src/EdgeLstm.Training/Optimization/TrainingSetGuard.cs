using EdgeLstm.Training.Data;

namespace EdgeLstm.Training.Optimization;

/// <summary>
/// Refuses a training set that cannot train a classifier, with one line naming the set and the
/// problem, before any work: no labelled sample, a single class, recordings too short for one
/// window, labelled segments too short for one window inside them, or, streaming, no samples.
/// Without it these surface deep inside as a zero-sized output layer or an empty minibatch
/// (docs/training.md "Training data guards").
/// </summary>
public static class TrainingSetGuard
{
    public static void Check(Dataset data, TrainerOptions options)
    {
        if (data.ClassCount == 0)
            throw new ArgumentException($"{data.Name}: no sample has a label (every 'label' field is empty); training needs at least two classes");
        if (data.ClassCount == 1)
            throw new ArgumentException($"{data.Name}: only one class ('{data.ClassNames[0]}') among the labels of {Recordings(data)}; a classifier needs at least two");
        var longest = data.Recordings.MaxBy(r => r.Length);
        if (longest is null || longest.Length == 0)
            throw new ArgumentException($"{data.Name}: no samples");
        if (options.Mode == ClassificationMode.Windowed && longest.Length < options.Window)
        {
            string which = data.Recordings.Count == 1 ? $"its one recording ({longest.Name})" : $"its longest recording ({longest.Name})";
            throw new ArgumentException($"{data.Name}: {which} has {longest.Length} samples, one window needs {options.Window}; record longer or give a smaller --window");
        }
        if (options.Mode == ClassificationMode.Windowed && !options.LabelByLastSample)
        {
            var (recording, length, label) = data.Recordings
                .SelectMany(r => LabelRuns.Of(r.Labels).Select(run => (r.Name, run.Length, run.Label)))
                .MaxBy(run => run.Length);
            if (length < options.Window)
                throw new ArgumentException($"{data.Name}: its longest labelled segment ('{data.ClassNames[label]}' in {recording}) has {length} samples, " +
                                            $"one window needs {options.Window} inside one segment; record longer segments, give a smaller --window, or --window-labels last");
        }
    }

    /// <summary>"its 2 recordings (a, b)": which files were trained on (a split by file leaves the test files out).</summary>
    private static string Recordings(Dataset data)
    {
        var names = data.Recordings.Select(r => r.Name).ToList();
        string list = names.Count <= 3 ? string.Join(", ", names) : $"{names[0]}, {names[1]}, ... {names[^1]}";
        return names.Count == 1 ? $"its one recording ({list})" : $"its {names.Count} recordings ({list})";
    }
}
