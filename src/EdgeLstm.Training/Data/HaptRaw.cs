using System.Globalization;

namespace EdgeLstm.Training.Data;

/// <summary>
/// Reader of the HAPT raw recordings (a `hapt-raw` directory: activity_labels.txt and
/// RawData/acc_expNN_userMM.txt, gyro_expNN_userMM.txt, labels.txt). One recording per
/// experiment: acc x,y,z (g) then gyro x,y,z (rad/s) per sample; labels.txt segments are
/// 1-based and inclusive; samples outside every segment are unlabelled.
/// </summary>
public static class HaptRaw
{
    /// <summary>One experiment's files and labelled segments (activity ids are 1-based, as in labels.txt).</summary>
    public sealed record Experiment(int Id, int Subject, string AccPath, string GyroPath, IReadOnlyList<(int Activity, int Start, int End)> Segments)
    {
        public string Name => $"exp{Id:D2}_user{Subject:D2}";
    }

    public static IReadOnlyList<Experiment> Experiments(string root)
    {
        string raw = Path.Combine(root, "RawData");
        if (!Directory.Exists(raw)) throw new DirectoryNotFoundException($"{root}: no RawData directory (expected the HAPT raw recordings)");
        CheckClassNames(root);
        var segments = ReadSegments(Path.Combine(raw, "labels.txt"));
        var experiments = new List<Experiment>();
        foreach (var acc in Directory.GetFiles(raw, "acc_exp*_user*.txt"))
        {
            var stem = Path.GetFileNameWithoutExtension(acc)["acc_".Length..];   // expNN_userMM
            var parts = stem.Split('_');
            int id = int.Parse(parts[0]["exp".Length..], CultureInfo.InvariantCulture);
            int subject = int.Parse(parts[1]["user".Length..], CultureInfo.InvariantCulture);
            string gyro = Path.Combine(raw, $"gyro_{stem}.txt");
            if (!File.Exists(gyro)) throw new FileNotFoundException($"{gyro}: missing (its accelerometer file exists)");
            experiments.Add(new Experiment(id, subject, acc, gyro, segments.TryGetValue(id, out var s) ? s : []));
        }
        if (experiments.Count == 0) throw new FileNotFoundException($"{raw}: no acc_expNN_userMM.txt files");
        return experiments.OrderBy(e => e.Id).ToList();
    }

    /// <summary>All experiments with the 12 classes of activity_labels.txt.</summary>
    public static Dataset Read(string root) => Read(root, Experiments(root));

    public static Dataset Read(string root, IEnumerable<Experiment> experiments)
    {
        var recordings = experiments.Select(ReadRecording).ToList();
        return new Dataset("hapt-raw", HaptClasses.Channels, HaptClasses.All, HaptClasses.SampleRateHz, recordings) { Units = HaptClasses.Units };
    }

    public static Recording ReadRecording(Experiment e)
    {
        var (text, rows) = ReadText(e);
        var samples = new float[text.Length];
        for (int i = 0; i < text.Length; i++) samples[i] = float.Parse(text[i], NumberStyles.Float, CultureInfo.InvariantCulture);
        return new Recording(e.Name, 6, samples, Labels(e, rows)) { Subject = e.Subject };
    }

    /// <summary>The experiment's values as the text of its files (row-major, 6 per sample), for verbatim export.</summary>
    public static (string[] Values, int Rows) ReadText(Experiment e)
    {
        var acc = ReadTriples(e.AccPath);
        var gyro = ReadTriples(e.GyroPath);
        if (acc.Count != gyro.Count) throw new FormatException($"{e.GyroPath}: {gyro.Count} samples, {e.AccPath} has {acc.Count}");
        var values = new string[acc.Count * 6];
        for (int t = 0; t < acc.Count; t++)
        {
            acc[t].CopyTo(values, t * 6);
            gyro[t].CopyTo(values, t * 6 + 3);
        }
        return (values, acc.Count);
    }

    /// <summary>Per-sample class index (0-based activity id - 1), unlabelled outside the segments.</summary>
    public static int[] Labels(Experiment e, int rows)
    {
        var labels = new int[rows];
        Array.Fill(labels, Recording.Unlabelled);
        foreach (var (activity, start, end) in e.Segments)
        {
            if (start < 1 || end > rows || start > end)
                throw new FormatException($"labels.txt: segment {start}..{end} of experiment {e.Id} is outside its {rows} samples");
            for (int t = start - 1; t < end; t++) labels[t] = activity - 1;
        }
        return labels;
    }

    private static List<string[]> ReadTriples(string path)
    {
        var rows = new List<string[]>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 3) throw new FormatException($"{path}:{lineNumber}: {f.Length} values, expected 3");
            foreach (var v in f)
                if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    throw new FormatException($"{path}:{lineNumber}: '{v}' is not a number");
            rows.Add(f);
        }
        return rows;
    }

    private static Dictionary<int, List<(int, int, int)>> ReadSegments(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: missing (the HAPT label segments)");
        var segments = new Dictionary<int, List<(int, int, int)>>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 5 || !f.All(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
                throw new FormatException($"{path}:{lineNumber}: expected 5 integers (experiment, user, activity, start, end)");
            var n = f.Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            if (n[2] < 1 || n[2] > HaptClasses.All.Count) throw new FormatException($"{path}:{lineNumber}: activity id {n[2]} is not 1..{HaptClasses.All.Count}");
            if (!segments.TryGetValue(n[0], out var list)) segments[n[0]] = list = [];
            list.Add((n[2], n[3], n[4]));
        }
        return segments;
    }

    /// <summary>activity_labels.txt must name the classes this reader assumes, in the same order.</summary>
    private static void CheckClassNames(string root)
    {
        string path = Path.Combine(root, "activity_labels.txt");
        if (!File.Exists(path)) return;
        var names = File.ReadLines(path).Where(l => l.Trim().Length > 0)
            .Select(l => l.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries)[^1].Trim().ToLowerInvariant()).ToArray();
        if (!names.SequenceEqual(HaptClasses.All))
            throw new FormatException($"{path}: classes {string.Join(",", names)} differ from HAPT's 12 ({string.Join(",", HaptClasses.All)})");
    }
}
