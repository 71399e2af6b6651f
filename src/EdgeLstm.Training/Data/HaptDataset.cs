namespace EdgeLstm.Training.Data;

/// <summary>
/// The named dataset `hapt`: the compact copy of the HAPT raw recordings in the repository
/// (datasets/hapt/hapt.elds, made by `edgelstm dataset convert-hapt`), split by subject the
/// standard way (test subjects 2, 4, 9, 10, 12, 13, 18, 20, 24). Needs nothing outside the repository.
/// </summary>
public static class HaptDataset
{
    public const string Name = "hapt";
    public const string FileName = "hapt.elds";

    /// <summary>All 61 recordings with the 12 classes (6 activities, 6 transitions).</summary>
    public static Dataset LoadAll(string? directory = null)
    {
        directory ??= DatasetCatalog.DirectoryOf(Name);
        return CompactDatasetFile.Load(Path.Combine(directory, FileName));
    }

    /// <summary>
    /// Train (21 subjects) and test (9 subjects). With <paramref name="sixActivities"/> the
    /// classes are the six activities and transitions are unlabelled; else all 12 classes.
    /// </summary>
    public static DatasetSplit Load(string? directory = null, bool sixActivities = true)
    {
        var all = LoadAll(directory);
        if (sixActivities) all = ClassView.SixActivities(all);
        return SplitBySubject(all);
    }

    public static DatasetSplit SplitBySubject(Dataset all) => new(
        all.With(all.Recordings.Where(r => !HaptClasses.TestSubjects.Contains(r.Subject)).ToList(), all.Name + " (train)"),
        all.With(all.Recordings.Where(r => HaptClasses.TestSubjects.Contains(r.Subject)).ToList(), all.Name + " (test)"));
}
