using System.Text;
using EdgeLstm.Core.Model;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Processing;
using EdgeLstm.Daemon.Sinks;
using EdgeLstm.Daemon.Sources;

namespace EdgeLstm.Daemon.Tests;

/// <summary>Builds pipelines over real files and an in-memory JSON-lines sink.</summary>
internal static class PipelineHarness
{
    public static StreamPlan Plan(EdgeModel model, EventSettings? events = null, ResetSettings? reset = null) => new()
    {
        ModelName = model.Metadata.Name, Model = model, Events = events ?? new EventSettings(), Reset = reset ?? new ResetSettings(),
    };

    public static (Pipeline Pipeline, MemoryStream Output) Create(StreamPlan plan, IReadOnlyList<Source> sources, PipelineOptions? options = null, List<string>? log = null)
    {
        var output = new MemoryStream();
        var pipeline = new Pipeline(options ?? new PipelineOptions(), sources, [new StreamSink("memory", output, ownsStream: false)],
            (_, _) => plan, m => { lock (output) log?.Add(m); });
        return (pipeline, output);
    }

    public static FileSource File(string path, int columns, InputFormat format = InputFormat.Text, string? name = null) =>
        new(name ?? Path.GetFileName(path), path, format, new DecoderOptionsTemplate(PositionalColumns: columns), speed: null, sampleRateHz: 50);

    public static string[] Lines(MemoryStream output) =>
        Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public static string TempFile(string name, string content)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-pipeline").FullName, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }
}
