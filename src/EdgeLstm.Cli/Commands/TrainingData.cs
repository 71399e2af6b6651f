using System.Globalization;
using EdgeLstm.Training.Data;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// Where `train` gets its recordings: `--train DIR [--test DIR]`, or one DIR split by file
/// (every fifth file, in ordinal order, is a test file; with fewer than five files the last one).
/// Minimal reader of the recording CSV format: a header naming the channels, optional `time`
/// and `label` columns, one sample per row, separators comma, tab or space, empty label =
/// unlabelled; classes are the ordinal-sorted union of the training files' labels.
/// </summary>
// lead: replace with Data/ loaders when merged (RecordingDirectory.LoadPair / LoadSplit, DatasetCatalog.Open for --dataset)
internal static class TrainingData
{
    public static (Dataset Train, Dataset? Test) Load(string? train, string? test, string? dataset, float sampleRateHz)
    {
        if (dataset is not null)
            throw new UsageException($"named dataset '{dataset}' is not available in this build yet; pass --train DIR");
        if (train is null) throw new UsageException("give --train DIR (recording CSV files) or --dataset NAME");
        var trainFiles = Files(train);
        if (test is not null)
        {
            var trainSet = Read(Name(train), trainFiles, null, sampleRateHz);
            return (trainSet, Read(Name(test), Files(test), trainSet.ClassNames, sampleRateHz));
        }
        if (trainFiles.Length < 2) return (Read(Name(train), trainFiles, null, sampleRateHz), null);
        var testIndex = trainFiles.Length < 5 ? [trainFiles.Length - 1] : Enumerable.Range(0, trainFiles.Length).Where(i => (i + 1) % 5 == 0).ToArray();
        var trainPart = Read(Name(train), trainFiles.Where((_, i) => !testIndex.Contains(i)).ToArray(), null, sampleRateHz);
        return (trainPart, Read(Name(train) + " (test files)", testIndex.Select(i => trainFiles[i]).ToArray(), trainPart.ClassNames, sampleRateHz));
    }

    private static string Name(string directory) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));

    private static string[] Files(string directory)
    {
        if (!Directory.Exists(directory)) throw new UsageException($"{directory}: no such directory");
        var files = Directory.GetFiles(directory, "*.csv").Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw new UsageException($"{directory}: no .csv recordings");
        return files;
    }

    private static Dataset Read(string name, string[] files, IReadOnlyList<string>? classNames, float sampleRateHz)
    {
        var parsed = files.Select(Parse).ToList();
        var channels = parsed[0].Channels;
        foreach (var p in parsed)
            if (!p.Channels.SequenceEqual(channels)) throw new FormatException($"{p.Name}: channels differ from {parsed[0].Name}");
        var classes = classNames ?? parsed.SelectMany(p => p.Labels).Where(l => l.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();
        var index = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var recordings = parsed.Select(p => new Recording(p.Name, channels.Count, p.Samples,
            p.Labels.Select(l => index.TryGetValue(l, out int i) ? i : Recording.Unlabelled).ToArray())).ToList();
        return new Dataset(name, channels, classes, sampleRateHz, recordings);
    }

    private sealed record Parsed(string Name, List<string> Channels, float[] Samples, List<string> Labels);

    private static Parsed Parse(string path)
    {
        var lines = File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] != '#').ToList();
        if (lines.Count < 2) throw new FormatException($"{path}: needs a header row and at least one sample");
        var separators = new[] { ',', '\t', ' ' };
        var header = lines[0].Split(separators, StringSplitOptions.TrimEntries);
        int labelColumn = Array.FindIndex(header, h => h.Equals("label", StringComparison.OrdinalIgnoreCase));
        int timeColumn = Array.FindIndex(header, h => h.Equals("time", StringComparison.OrdinalIgnoreCase));
        var dataColumns = Enumerable.Range(0, header.Length).Where(i => i != labelColumn && i != timeColumn).ToArray();
        var samples = new List<float>();
        var labels = new List<string>();
        for (int n = 1; n < lines.Count; n++)
        {
            var fields = lines[n].Split(separators, StringSplitOptions.TrimEntries);
            if (fields.Length < dataColumns.Max() + 1) throw new FormatException($"{path}:{n + 1}: {fields.Length} fields, the header names {header.Length}");
            foreach (int c in dataColumns)
            {
                if (!float.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out float v))
                    throw new FormatException($"{path}:{n + 1}: '{fields[c]}' is not a number");
                samples.Add(v);
            }
            labels.Add(labelColumn >= 0 && labelColumn < fields.Length ? fields[labelColumn] : "");
        }
        return new Parsed(Path.GetFileName(path), dataColumns.Select(i => header[i]).ToList(), [.. samples], labels);
    }
}
