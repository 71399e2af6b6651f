namespace EdgeLstm.Daemon.Samples;

/// <summary>
/// What the data columns of a source's samples are: names from a header line, or positions only.
/// Created once per header (or per channel count for frames); samples point at it, so a stage can
/// rebuild its channel mapping only when the layout changes.
/// </summary>
public sealed class ColumnLayout
{
    private ColumnLayout(IReadOnlyList<string>? names, int dataColumns)
    {
        Names = names;
        DataColumns = dataColumns;
    }

    /// <summary>Names of the data columns (time and label excluded); null when the source gave no header.</summary>
    public IReadOnlyList<string>? Names { get; }

    public int DataColumns { get; }

    /// <summary>Label names seen in this source's `label` column, by the ids samples carry.</summary>
    public LabelTable Labels { get; } = new();

    public static ColumnLayout Positional(int dataColumns) => new(null, dataColumns);
    public static ColumnLayout Named(IReadOnlyList<string> names) => new(names, names.Count);
}
