using EdgeLstm.Training.Data;

namespace EdgeLstm.Training.Evaluation;

/// <summary>
/// How a dataset feeds a model: which dataset channel each model input reads (by name, else by
/// position when the counts agree) and which model output each dataset class is (by name, else
/// by position when the model's labels are generic and the counts agree). Classes the model
/// does not know are not scored.
/// </summary>
public sealed class DataBinding
{
    private readonly int[] _channelOfInput;
    private readonly int[] _outputOfClass;

    private DataBinding(int[] channelOfInput, int[] outputOfClass, IReadOnlyList<string> labels)
    {
        _channelOfInput = channelOfInput;
        _outputOfClass = outputOfClass;
        Labels = labels;
    }

    /// <summary>The model's class names (its outputs), the classes of every report.</summary>
    public IReadOnlyList<string> Labels { get; }

    public int Inputs => _channelOfInput.Length;

    public static DataBinding Create(EdgeModel model, Dataset data)
    {
        var meta = model.Metadata;
        int[] channels;
        var byName = meta.Channels.Select(c => IndexOf(data.Channels, c.Name)).ToArray();
        if (byName.Length == model.InputSize && byName.All(i => i >= 0)) channels = byName;
        else if (data.ChannelCount == model.InputSize) channels = Enumerable.Range(0, model.InputSize).ToArray();
        else throw new ArgumentException(
            $"the data's channels ({string.Join(",", data.Channels)}) do not match the model's {model.InputSize} inputs ({string.Join(",", meta.Channels.Select(c => c.Name))})");

        var labels = meta.Labels.Count == model.OutputSize ? meta.Labels : Enumerable.Range(0, model.OutputSize).Select(i => $"class{i}").ToList();
        var outputs = data.ClassNames.Select(n => IndexOf(labels, n)).ToArray();
        if (outputs.All(o => o < 0) && data.ClassCount == model.OutputSize) outputs = Enumerable.Range(0, data.ClassCount).ToArray();
        if (outputs.All(o => o < 0))
            throw new ArgumentException($"none of the data's classes ({string.Join(",", data.ClassNames)}) is a label of the model ({string.Join(",", labels)})");
        return new DataBinding(channels, outputs, labels);
    }

    /// <summary>The model output a dataset label is scored as, or -1 (unlabelled or unknown to the model).</summary>
    public int Truth(int datasetLabel) => datasetLabel < 0 ? -1 : _outputOfClass[datasetLabel];

    /// <summary>Step t of a recording in the model's input order.</summary>
    public void Gather(Recording recording, int t, Span<float> destination)
    {
        var row = recording.Row(t);
        for (int j = 0; j < _channelOfInput.Length; j++) destination[j] = row[_channelOfInput[j]];
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++) if (string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }
}
