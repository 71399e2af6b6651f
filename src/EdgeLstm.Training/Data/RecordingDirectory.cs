using EdgeLstm.Core.Recordings;

namespace EdgeLstm.Training.Data;

/// <summary>
/// A directory of recording files (docs/datasets.md): every `*.csv` directly inside it, one
/// session per file, taken in ordinal order of file name. All files name the same channels (in
/// any column order; the first file's order wins). Files are read by the one recording reader
/// (<see cref="RecordingFile"/>: commas, tabs or spaces). Class names are the union of every file's
/// labels in ordinal order, so the same files always give the same class indices.
/// </summary>
public static class RecordingDirectory
{
    public static Dataset Load(string directory, float sampleRateHz = 0) => Load(directory, Files(directory), sampleRateHz);

    /// <summary>The recording files of a directory, in the order every loader uses.</summary>
    public static string[] Files(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: no such directory");
        var files = Directory.GetFiles(directory, "*.csv", SearchOption.TopDirectoryOnly);
        Array.Sort(files, (a, b) => string.CompareOrdinal(Path.GetFileName(a), Path.GetFileName(b)));
        if (files.Length == 0)
        {
            // Tab- or space-separated files are read too, but only under the recording extension.
            var other = Directory.GetFiles(directory, "*", SearchOption.TopDirectoryOnly)
                .Select(Path.GetFileName).Where(n => n!.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) || n.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).FirstOrDefault();
            throw new FileNotFoundException(other is null
                ? $"{directory}: no *.csv recordings"
                : $"{directory}: no *.csv recordings (found {other}: recordings are named *.csv whatever their separator; rename it)");
        }
        return files;
    }

    public static Dataset Load(string name, IReadOnlyList<string> files, float sampleRateHz = 0, IReadOnlyList<string>? classNames = null) =>
        FromContents(name, Read(files), sampleRateHz, classNames);

    private static List<RecordingFile> Read(IReadOnlyList<string> files) => files.Select(RecordingCsv.Read).ToList();

    /// <summary>
    /// Builds a dataset from parsed files. <paramref name="classNames"/> fixes the class order
    /// (e.g. a training set's, for its test set); labels outside it become unlabelled. Without it
    /// the classes are the ordinal-sorted union of the labels found. <paramref name="labelled"/>
    /// requires a `label` column in every file (training and test sets); <paramref name="reference"/>
    /// is the file whose channels every file must name (default: the first of these).
    /// </summary>
    public static Dataset FromContents(string name, IReadOnlyList<RecordingFile> contents, float sampleRateHz = 0, IReadOnlyList<string>? classNames = null,
        bool labelled = false, RecordingFile? reference = null)
    {
        if (contents.Count == 0) throw new ArgumentException($"{name}: no recordings", nameof(contents));
        reference ??= contents[0];
        var channels = reference.Channels;
        classNames ??= contents.SelectMany(c => c.Labels).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var classIndex = classNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        var recordings = new List<Recording>(contents.Count);
        foreach (var c in contents)
        {
            // Before the channels: a label column under another name would otherwise read as a channel.
            if (labelled && !c.HasLabelColumn)
                throw new FormatException($"{c.Path}: no '{RecordingCsv.LabelColumn}' column (header: {string.Join(",", c.Header!.Names)}); training needs each sample's class in a '{RecordingCsv.LabelColumn}' column");
            var order = channels.Select(ch => IndexOf(c.Channels, ch)).ToArray();
            if (c.Channels.Count != channels.Count || order.Any(i => i < 0))
                throw new FormatException($"{c.Path}: channels {string.Join(",", c.Channels)} differ from {reference.Path}'s {string.Join(",", channels)}; every recording must name the same channels");
            int n = channels.Count;
            var samples = new float[c.Samples.Length];
            for (int t = 0; t < c.Length; t++)
                for (int j = 0; j < n; j++) samples[t * n + j] = c.Samples[t * n + order[j]];
            var labels = c.Labels.Select(l => l is not null && classIndex.TryGetValue(l, out int k) ? k : Recording.Unlabelled).ToArray();
            recordings.Add(new Recording(Path.GetFileNameWithoutExtension(c.Path), n, samples, labels));
        }
        float rate = sampleRateHz > 0 ? sampleRateHz : EstimateRate(contents);
        return new Dataset(name, channels, classNames, rate, recordings);
    }

    /// <summary>
    /// The deterministic split of one directory by file (docs/datasets.md): files in ordinal
    /// order, every fifth file (the 5th, 10th, ...) is a test file; with fewer than five files the
    /// last one is. Needs at least two files. Classes come from the training files.
    /// </summary>
    public static DatasetSplit LoadSplit(string directory, float sampleRateHz = 0)
    {
        var files = Files(directory);
        if (files.Length < 2) throw new ArgumentException($"{directory}: one recording cannot be split into training and test files; give --test DIR too");
        var test = TestFileIndices(files.Length);
        var trainFiles = files.Where((_, i) => !test.Contains(i)).ToArray();
        var testFiles = files.Where((_, i) => test.Contains(i)).ToArray();
        var trainContents = Read(trainFiles);
        var train = FromContents(directory + " (train)", trainContents, sampleRateHz, labelled: true);
        return new DatasetSplit(train, FromContents(directory + " (test)", Read(testFiles), train.SampleRateHz, train.ClassNames, labelled: true, reference: trainContents[0]));
    }

    /// <summary>
    /// Loads `--train DIR --test DIR`: every file labelled, the test set takes the training set's
    /// class order and must name its channels.
    /// </summary>
    public static DatasetSplit LoadPair(string trainDirectory, string testDirectory, float sampleRateHz = 0)
    {
        var trainContents = Read(Files(trainDirectory));
        var train = FromContents(trainDirectory, trainContents, sampleRateHz, labelled: true);
        return new DatasetSplit(train, FromContents(testDirectory, Read(Files(testDirectory)), train.SampleRateHz, train.ClassNames, labelled: true, reference: trainContents[0]));
    }

    /// <summary>Loads one directory as a training set with no test part: every file labelled.</summary>
    public static Dataset LoadLabelled(string directory, float sampleRateHz = 0) =>
        FromContents(directory, Read(Files(directory)), sampleRateHz, labelled: true);

    public static HashSet<int> TestFileIndices(int fileCount)
    {
        var test = new HashSet<int>();
        for (int i = 4; i < fileCount; i += 5) test.Add(i);
        if (test.Count == 0 && fileCount >= 2) test.Add(fileCount - 1);
        return test;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++) if (string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    /// <summary>Sample rate from the `time` column: samples minus one over the time they span (first timed file).</summary>
    private static float EstimateRate(IReadOnlyList<RecordingFile> contents)
    {
        foreach (var c in contents)
        {
            if (c.Times is null || c.Times.Length < 2) continue;
            double span = c.Times[^1] - c.Times[0];
            if (span > 0) return (float)Math.Round((c.Times.Length - 1) / span, 3); // an empty time (NaN) gives no estimate
        }
        return 0;
    }
}
