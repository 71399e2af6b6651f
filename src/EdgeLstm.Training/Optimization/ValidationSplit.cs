using EdgeLstm.Training.Data;

namespace EdgeLstm.Training.Optimization;

/// <summary>
/// Holds out a seeded share of the training data for early stopping: whole subjects where the
/// recordings name subjects (so validation measures generalization to new people), else whole
/// recordings. Nothing is held out when there are fewer than two groups.
/// </summary>
public static class ValidationSplit
{
    public static (Dataset Train, Dataset? Validation) Split(Dataset data, double fraction, int seed)
    {
        bool bySubject = data.Recordings.Select(r => r.Subject).Distinct().Count() > 1;
        var groups = data.Recordings
            .Select(r => bySubject ? r.Subject.ToString(System.Globalization.CultureInfo.InvariantCulture) : r.Name)
            .Distinct().Order(StringComparer.Ordinal).ToArray();
        if (fraction <= 0 || groups.Length < 2) return (data, null);
        int held = Math.Clamp((int)Math.Round(groups.Length * fraction), 1, groups.Length - 1);
        new Random(seed).Shuffle(groups);
        var validation = groups.Take(held).ToHashSet(StringComparer.Ordinal);
        string Key(Recording r) => bySubject ? r.Subject.ToString(System.Globalization.CultureInfo.InvariantCulture) : r.Name;
        return (data.With(data.Recordings.Where(r => !validation.Contains(Key(r))).ToList(), data.Name + " (train)"),
                data.With(data.Recordings.Where(r => validation.Contains(Key(r))).ToList(), data.Name + " (validation)"));
    }
}
