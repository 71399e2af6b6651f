using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Processing;

/// <summary>
/// Source columns to model inputs for one column layout: input k = column[k] · scale[k] + offset[k].
/// Columns are found by the configured column name or index, else by the model's channel name in
/// the header, else by position. Built when a stream's layout changes, applied per sample.
/// </summary>
public sealed class ChannelMap
{
    private readonly int[] _column;
    private readonly float[] _scale, _offset;

    private ChannelMap(int[] column, float[] scale, float[] offset)
    {
        _column = column;
        _scale = scale;
        _offset = offset;
    }

    /// <summary>The map, or null with the reason when the layout cannot feed the model.</summary>
    public static ChannelMap? Build(ColumnLayout layout, IReadOnlyList<string> inputNames, int inputs, IReadOnlyList<ChannelSetting> settings, out string? problem)
    {
        var column = new int[inputs];
        var scale = new float[inputs];
        var offset = new float[inputs];
        problem = null;
        for (int k = 0; k < inputs; k++)
        {
            string name = k < inputNames.Count ? inputNames[k] : $"ch{k}";
            var setting = settings.FirstOrDefault(s => string.Equals(s.Input, name, StringComparison.OrdinalIgnoreCase));
            int c;
            if (setting?.Column is { } columnName)
            {
                c = layout.Names is null ? -1 : IndexOf(layout.Names, columnName);
                if (c < 0) { problem = $"input '{name}': column '{columnName}' not in the source's header"; return null; }
            }
            else if (setting?.Index is { } index) c = index;
            else if (layout.Names is not null && IndexOf(layout.Names, name) is var byName and >= 0) c = byName;
            else c = k;
            if (c >= layout.DataColumns)
            {
                problem = $"input '{name}' needs column {c + 1}, the source has {layout.DataColumns}";
                return null;
            }
            column[k] = c;
            scale[k] = setting?.Scale ?? 1;
            offset[k] = setting?.Offset ?? 0;
        }
        return new ChannelMap(column, scale, offset);
    }

    public void Apply(ReadOnlySpan<float> row, Span<float> input)
    {
        for (int k = 0; k < _column.Length; k++) input[k] = row[_column[k]] * _scale[k] + _offset[k];
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++) if (string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }
}
