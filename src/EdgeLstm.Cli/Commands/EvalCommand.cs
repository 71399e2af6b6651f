using System.CommandLine;
using System.Globalization;
using EdgeLstm.Training.Data;
using EdgeLstm.Training.Evaluation;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `edgelstm eval`: accuracy, macro-F1, per-class precision and recall and the confusion matrix
/// of the float and integer engines side by side, with their agreement, under the windowed and
/// the streaming protocol (docs/evaluation.md); and the confusion matrix as a picture,
/// MODEL.confusion.svg beside the model file or --confusion FILE (<see cref="ConfusionPlot"/>).
/// </summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var modelArgument = new Argument<FileInfo?>("MODEL") { Description = "Model file (.elstm); or --model; defaults to the embedded model", Arity = ArgumentArity.ZeroOrOne };
        var model = CommonOptions.Model();
        var test = new Option<DirectoryInfo?>("--test") { Description = "Directory of CSV recordings to evaluate on (docs/datasets.md)" };
        var dataset = new Option<string?>("--dataset") { Description = "A named dataset's test split instead (hapt: the 9 standard test subjects)" };
        var protocol = new Option<string>("--protocol") { Description = "windowed: reset, run a window, classify at its end; streaming: run each recording as the daemon does; both", DefaultValueFactory = _ => "both" }
            .AcceptOnlyFromAmong("windowed", "streaming", "both");
        var window = new Option<int?>("--window") { Description = "Window length of the windowed protocol (default: the model's, else 128)" };
        var hop = new Option<int?>("--hop") { Description = "Hop of the windowed protocol (default: half the window for segments, as UCI HAR; else the model's)" };
        var rule = new Option<string>("--windows") { Description = "segments: inside single labelled segments, as UCI HAR was cut; uniform: sliding, all samples one class; majority: sliding, majority label", DefaultValueFactory = _ => "segments" }
            .AcceptOnlyFromAmong("segments", "uniform", "majority");
        var minAccuracy = new Option<double?>("--min-accuracy") { Description = "Exit 1 when the integer engine's (else float's) accuracy under any protocol run is below this (0..1)" };
        var confusion = new Option<FileInfo?>("--confusion") { Description = "Write the confusion-matrix picture (SVG, one panel per protocol) here (default: beside the model file, MODEL.confusion.svg; none for the embedded model)" };
        var json = CommonOptions.Json();
        var command = new Command("eval", "Accuracy, macro-F1, per-class precision/recall and confusion matrix; float and integer side by side, with their agreement")
        {
            modelArgument, model, test, dataset, protocol, window, hop, rule, minAccuracy, confusion, json,
        };
        command.SetAction(p => CommandGuard.Run(() =>
        {
            var path = p.GetValue(modelArgument);
            var option = p.GetValue(model);
            if (path is not null && option is not null) throw new UsageException("give the model once: MODEL or --model FILE");
            return Run(path ?? option, p.GetValue(test), p.GetValue(dataset), p.GetValue(protocol)!, p.GetValue(window), p.GetValue(hop),
                p.GetValue(rule)!, p.GetValue(minAccuracy), p.GetValue(confusion), p.GetValue(json));
        }));
        return command;
    }

    private static int Run(FileInfo? modelPath, DirectoryInfo? testDir, string? dataset, string protocol, int? window, int? hop, string rule, double? minAccuracy, FileInfo? confusion, bool json)
    {
        var model = ModelSource.Load(modelPath);
        var data = DataSource.Test(testDir, dataset);
        var binding = DataBinding.Create(model, data);
        var results = new List<EngineComparison>();
        int w = window ?? (model.Metadata.Window > 0 ? model.Metadata.Window : Windowing.UciHarWindow);
        // The segments rule is UCI HAR's protocol (50 % overlap) whatever hop the model runs at in the daemon.
        int h = hop ?? (rule != "segments" && model.Metadata.Hop > 0 && window is null ? model.Metadata.Hop : Math.Max(1, w / 2));
        if (w < 1 || h < 1) throw new UsageException("--window and --hop must be at least 1");
        if (protocol is "windowed" or "both")
        {
            var windows = rule switch
            {
                "segments" => Windowing.WithinSegments(data.Recordings, w, h),
                "uniform" => Windowing.Sliding(data.Recordings, w, h, WindowLabelRule.Uniform),
                _ => Windowing.Sliding(data.Recordings, w, h, WindowLabelRule.Majority),
            };
            if (windows.Count == 0) throw new UsageException($"no labelled windows of {w} samples in the test data");
            results.Add(WindowedEvaluation.Run(model, windows, binding));
        }
        if (protocol is "streaming" or "both") results.Add(StreamingEvaluation.Run(model, data.Recordings, binding));

        string source = DataSource.Describe(testDir, dataset, "test");
        string? picture = WritePicture(results, modelPath, confusion, model.Metadata.Name, w, h, rule);
        if (json)
        {
            Json.WriteLine(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("model", ModelSource.Describe(modelPath));
                writer.WriteString("data", source);
                writer.WriteNumber("recordings", data.Recordings.Count);
                writer.WriteString("mode", model.Metadata.Mode.ToString().ToLowerInvariant());
                writer.WriteNumber("window", w);
                writer.WriteNumber("hop", h);
                writer.WriteString("windows", rule);
                if (picture is null) writer.WriteNull("confusionSvg");
                else writer.WriteString("confusionSvg", picture);
                writer.WriteStartArray("protocols");
                foreach (var r in results) EvalReport.WriteJson(writer, r);
                writer.WriteEndArray();
                writer.WriteEndObject();
            });
        }
        else
        {
            Console.WriteLine($"model {ModelSource.Describe(modelPath)} ({model.Metadata.Mode.ToString().ToLowerInvariant()}), data {source}: {data.Recordings.Count} recordings; windows of {w} every {h} ({rule})");
            Console.WriteLine();
            foreach (var r in results) EvalReport.WriteText(Console.Out, r);
            if (picture is not null) Console.WriteLine($"wrote {picture} (confusion matrix, {PictureEngine(results[0])} engine)");
        }
        if (minAccuracy is double min && results.Any(r => (r.Integer ?? r.Float)!.Accuracy < min))
        {
            Console.Error.WriteLine($"edgelstm: accuracy below --min-accuracy {min}");
            return ExitCodes.CheckFailed;
        }
        return ExitCodes.Success;
    }

    /// <summary>The confusion-matrix picture of the integer engine (the one the daemon runs; float when the model has
    /// no integer form), a panel per protocol: to --confusion, else beside the model file (a failure there is only a
    /// warning), else nowhere (the embedded model has no directory). The path written, or null.</summary>
    private static string? WritePicture(List<EngineComparison> results, FileInfo? modelPath, FileInfo? confusion, string modelName, int window, int hop, string rule)
    {
        if (confusion is null && modelPath is null) return null;
        var inv = CultureInfo.InvariantCulture;
        var panels = results.Select(r =>
        {
            var m = (r.Integer ?? r.Float)!;
            string engine = PictureEngine(r);
            string unit = r.Protocol == "windowed" ? "windows" : "samples";
            string setting = r.Protocol == "windowed" ? string.Create(inv, $"windows of {window} every {hop} ({rule})") : "each sample scored by the label last emitted";
            var other = r.Integer is null ? null : r.Float;
            string heading = string.Create(inv, $"{r.Protocol} protocol, {engine} engine: accuracy {m.Accuracy * 100:F2} % of {m.Total:N0} {unit}");
            string detail = (other is null ? "" : string.Create(inv, $"float engine {other.Accuracy * 100:F2} %, agreement {r.Agreement * 100:F2} %; ")) + setting;
            return new ConfusionPlot.Panel(heading, detail, m, unit);
        }).ToList();
        string name = modelPath is null ? "embedded default model" : modelPath.Name;
        string title = $"Confusion matrix of {name} ({modelName}): rows true class, columns predicted";
        string svg = ConfusionPlot.Svg(title, panels);
        if (confusion is not null)
        {
            PictureFile.Write(confusion.FullName, svg);
            return confusion.FullName;
        }
        string path = PictureFile.Beside(modelPath!.FullName, "confusion");
        return PictureFile.TryWrite(path, svg, "confusion matrix") ? path : null;
    }

    private static string PictureEngine(EngineComparison r) => r.Integer is null ? "float" : "integer";
}
