namespace EdgeLstm.Training.Data;

/// <summary>Views of a dataset over another list of classes, matched by name; the samples are shared, not copied.</summary>
public static class ClassView
{
    /// <summary>
    /// The dataset relabelled to <paramref name="classNames"/>: samples whose class is not in the
    /// list become unlabelled (e.g. HAPT's transitions in its six-activity view).
    /// </summary>
    public static Dataset Restrict(Dataset dataset, IReadOnlyList<string> classNames, string? name = null)
    {
        var map = dataset.ClassNames.Select(n => IndexOf(classNames, n)).ToArray();
        var recordings = dataset.Recordings.Select(r =>
        {
            var labels = new int[r.Length];
            for (int t = 0; t < labels.Length; t++) labels[t] = r.Labels[t] == Recording.Unlabelled ? Recording.Unlabelled : map[r.Labels[t]];
            return new Recording(r.Name, r.ChannelCount, r.Samples, labels) { Subject = r.Subject };
        }).ToList();
        return new Dataset(name ?? dataset.Name, dataset.Channels, classNames, dataset.SampleRateHz, recordings) { Units = dataset.Units };
    }

    /// <summary>HAPT's six-activity view: walking ... laying; postural transitions become unlabelled.</summary>
    public static Dataset SixActivities(Dataset hapt) => Restrict(hapt, HaptClasses.Activities);

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++) if (string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return Recording.Unlabelled;
    }
}
