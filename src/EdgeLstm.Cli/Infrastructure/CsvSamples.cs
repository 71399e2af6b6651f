using EdgeLstm.Core.Model;
using EdgeLstm.Core.Recordings;

namespace EdgeLstm.Cli;

/// <summary>
/// A recording's samples in a model's input order, for `infer` and `import-onnx --calibration`:
/// the file is read by the one recording reader (<see cref="RecordingFile"/>: commas, tabs or
/// spaces, an optional header with `time` and `label`). Channels map to the model's inputs by
/// name when the header names them all, else by position (the first channels).
/// </summary>
public static class CsvSamples
{
    public static List<float[]> Read(string path, ModelMetadata metadata, int inputs)
    {
        var file = RecordingFile.Read(path);
        var map = Map(file, metadata, inputs);
        var samples = new List<float[]>(file.Length);
        for (int t = 0; t < file.Length; t++)
        {
            var sample = new float[inputs];
            for (int j = 0; j < inputs; j++) sample[j] = file.Samples[t * file.ChannelCount + map[j]];
            samples.Add(sample);
        }
        return samples;
    }

    private static int[] Map(RecordingFile file, ModelMetadata metadata, int inputs)
    {
        var byName = metadata.Channels.Select(c => RecordingLine.IndexOf(file.Channels, c.Name)).ToArray();
        if (byName.Length == inputs && byName.All(i => i >= 0)) return byName;
        if (file.Length > 0 && file.ChannelCount < inputs)
            throw new FormatException(file.Header is null
                ? $"{file.Path}:{file.FirstLine}: {file.ChannelCount} values, the model takes {inputs}"
                : $"{file.Path}: header has {file.ChannelCount} channel columns, the model takes {inputs}");
        return [.. Enumerable.Range(0, inputs)];
    }
}
