using System.Text;

namespace EdgeLstm.Daemon.Samples;

/// <summary>
/// Interns the label names of a recording's `label` column: a name is decoded to a string once,
/// later occurrences are matched on their UTF-8 bytes, so labelled samples allocate nothing.
/// </summary>
public sealed class LabelTable
{
    public const int MaxLabels = 256;
    private readonly List<byte[]> _utf8 = [];
    private readonly List<string> _names = [];

    public int Count => _names.Count;
    public string this[int id] => _names[id];

    /// <summary>The id of a label, interning it on first sight; -1 for an empty field or a full table.</summary>
    public int Intern(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return -1;
        for (int i = 0; i < _utf8.Count; i++) if (utf8.SequenceEqual(_utf8[i])) return i;
        if (_utf8.Count >= MaxLabels) return -1;
        lock (_names)
        {
            _utf8.Add(utf8.ToArray());
            _names.Add(Encoding.UTF8.GetString(utf8));
        }
        return _names.Count - 1;
    }
}
