using System.Globalization;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Cli;

/// <summary>
/// Reads a recording in the CSV form of DESIGN.md section 5 for batch commands: an optional header
/// naming the channels (plus optional `time` and `label` columns), one sample per line, values
/// separated by commas, tabs or spaces. Channels map to the model's inputs by name when the
/// header names them all, else by position.
/// </summary>
public static class CsvSamples
{
    private static readonly char[] Separators = [',', '\t', ' '];

    public static List<float[]> Read(string path, ModelMetadata metadata, int inputs)
    {
        var samples = new List<float[]>();
        int[]? map = null;
        int lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var fields = line.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
            if (map is null)
            {
                bool header = fields.Any(f => !float.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
                map = header ? MapHeader(fields, metadata, inputs, path) : Enumerable.Range(0, inputs).ToArray();
                if (header) continue;
            }
            var sample = new float[inputs];
            for (int j = 0; j < inputs; j++)
            {
                if (map[j] >= fields.Length)
                    throw new FormatException($"{path}:{lineNumber}: {fields.Length} values, the model needs column {map[j] + 1}");
                if (!float.TryParse(fields[map[j]], NumberStyles.Float, CultureInfo.InvariantCulture, out sample[j]))
                    throw new FormatException($"{path}:{lineNumber}: '{fields[map[j]]}' is not a number");
            }
            samples.Add(sample);
        }
        return samples;
    }

    private static int[] MapHeader(string[] names, ModelMetadata metadata, int inputs, string path)
    {
        var byName = metadata.Channels.Select(c => Array.FindIndex(names, n => string.Equals(n, c.Name, StringComparison.OrdinalIgnoreCase))).ToArray();
        if (byName.Length == inputs && byName.All(i => i >= 0)) return byName;
        var data = Enumerable.Range(0, names.Length)
            .Where(i => !string.Equals(names[i], "time", StringComparison.OrdinalIgnoreCase) && !string.Equals(names[i], "label", StringComparison.OrdinalIgnoreCase))
            .ToArray();
        if (data.Length < inputs) throw new FormatException($"{path}: header has {data.Length} channel columns, the model takes {inputs}");
        return data[..inputs];
    }
}
