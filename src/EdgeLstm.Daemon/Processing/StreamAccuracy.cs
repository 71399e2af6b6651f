using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Processing;

/// <summary>
/// A labelled stream's per-sample accuracy (a recording's <c>label</c> column): a sample whose
/// label is one of the model's classes (by name, ignoring case) is scored right when the label
/// most recently emitted is that class; other labels (transitions, say) are not scored. The
/// source's label ids are matched to classes once per column layout.
/// </summary>
internal sealed class StreamAccuracy(IReadOnlyList<string> classes)
{
    private const int Unresolved = -2, NotAClass = -1;
    private readonly int[] _class = Fill(new int[LabelTable.MaxLabels]);

    public long Scored { get; private set; }
    public long Correct { get; private set; }

    /// <summary>The source's columns changed: its label ids are matched again.</summary>
    public void Remapped() => Fill(_class);

    public void Score(ColumnLayout layout, int labelId, int lastEmitted)
    {
        if (labelId < 0) return;
        int cls = _class[labelId];
        if (cls == Unresolved)
        {
            string name = layout.Labels[labelId];
            cls = NotAClass;
            for (int k = 0; k < classes.Count; k++) if (string.Equals(classes[k], name, StringComparison.OrdinalIgnoreCase)) cls = k;
            _class[labelId] = cls;
        }
        if (cls == NotAClass) return;
        Scored++;
        if (lastEmitted == cls) Correct++;
    }

    private static int[] Fill(int[] ids)
    {
        Array.Fill(ids, Unresolved);
        return ids;
    }
}
