using System.CommandLine;
using System.Globalization;
using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;
using EdgeLstm.Core.Quantization;
using EdgeLstm.Training.Data;
using EdgeLstm.Training.Evaluation;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `edgelstm quantize`: adds the integer form to a float model, calibrated on recordings. With
/// `--strategy auto` (the default) every range strategy is tried and the one whose integer
/// engine scores the best accuracy on the calibration data (run as the daemon runs the model,
/// the streaming protocol) is kept; ties go to the simpler strategy (min/max, then percentile, then MSE).
/// </summary>
public static class QuantizeCommand
{
    public static Command Create()
    {
        var modelArgument = new Argument<FileInfo>("MODEL") { Description = "Float model file (.elstm)" };
        var calibration = new Option<DirectoryInfo?>("--calibration") { Description = "Directory of CSV recordings to calibrate on" };
        var dataset = new Option<string?>("--dataset") { Description = "A named dataset's training split instead (hapt: the 21 training subjects)" };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Model file to write (float and integer forms)", Required = true };
        var strategy = new Option<string>("--strategy") { Description = "Range strategy: minmax, percentile (99.99th), mse, or auto (the most accurate on the calibration data)", DefaultValueFactory = _ => "auto" }
            .AcceptOnlyFromAmong("auto", "minmax", "percentile", "mse");
        var json = CommonOptions.Json();
        var command = new Command("quantize", "Quantize a float model with calibration data (int8 weights, int16 activations)")
        {
            modelArgument, calibration, dataset, output, strategy, json,
        };
        command.SetAction(p => CommandGuard.Run(() => Run(p.GetValue(modelArgument)!, p.GetValue(calibration), p.GetValue(dataset), p.GetValue(output)!,
            p.GetValue(strategy)!, p.GetValue(json))));
        return command;
    }

    private sealed record Candidate(RangeStrategy Strategy, EdgeModel Model, float InputRange, int[] CellFracBits, ConfusionMatrix? Score);

    private static int Run(FileInfo modelPath, DirectoryInfo? calibrationDir, string? dataset, FileInfo output, string strategy, bool json)
    {
        var model = ModelFileReader.Load(modelPath.FullName);
        if (model.Float is null) throw new UsageException($"{modelPath.FullName}: the model has no float network to quantize (it was stripped)");
        var floatModel = new EdgeModel(model.Metadata, model.Float, null);
        var data = DataSource.Calibration(calibrationDir, dataset);
        var sequences = DataSource.Sequences(floatModel, data);
        var ranges = CalibrationRanges.Collect(floatModel, sequences);

        var strategies = strategy == "auto" ? Enum.GetValues<RangeStrategy>() : [Parse(strategy)];
        var binding = DataBinding.Create(floatModel, data);
        bool measure = strategies.Length > 1;
        var floatScore = measure ? StreamingEvaluation.Run(floatModel, data.Recordings, binding).Float : null;
        var candidates = new List<Candidate>();
        foreach (var s in strategies)
        {
            var quantized = ranges.Quantize(floatModel, s);
            var (stats, options) = ranges.For(s);
            var score = measure ? StreamingEvaluation.Run(new EdgeModel(quantized.Metadata, null, quantized.Integer), data.Recordings, binding).Integer : null;
            candidates.Add(new Candidate(s, quantized, stats.MaxAbsInput * options.InputHeadroom,
                quantized.Integer!.Layers.Select(l => l.CellFracBits).ToArray(), score));
        }
        // First of the best: the enum order puts the simpler strategy first.
        var chosen = candidates.OrderByDescending(c => c.Score?.Accuracy ?? 0).First();

        var meta = chosen.Model.Metadata;
        SetProperty(meta, "quantization", $"{Name(chosen.Strategy)} ranges, calibrated on {DataSource.Describe(calibrationDir, dataset, "train")} ({ranges.Maxima.Steps} steps)");
        ModelFileWriter.Save(chosen.Model, output.FullName);

        if (json)
        {
            Json.WriteLine(w =>
            {
                w.WriteStartObject();
                w.WriteString("output", output.FullName);
                w.WriteString("chosen", Name(chosen.Strategy));
                w.WriteNumber("calibrationSteps", ranges.Maxima.Steps);
                if (floatScore is not null) w.WriteNumber("floatAccuracy", floatScore.Accuracy);
                w.WriteObjects("strategies", candidates, (w, c) =>
                {
                    w.WriteString("strategy", Name(c.Strategy));
                    w.WriteNumber("inputRange", c.InputRange);
                    w.WriteStartArray("cellFracBits"); foreach (int b in c.CellFracBits) w.WriteNumberValue(b); w.WriteEndArray();
                    if (c.Score is not null) { w.WriteNumber("accuracy", c.Score.Accuracy); w.WriteNumber("macroF1", c.Score.MacroF1); w.WriteNumber("correct", c.Score.Correct); w.WriteNumber("scored", c.Score.Total); }
                });
                w.WriteEndObject();
            });
        }
        else
        {
            Console.WriteLine($"calibrated on {DataSource.Describe(calibrationDir, dataset, "train")}: {ranges.Maxima.Steps} steps");
            if (floatScore is not null) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"float accuracy (streaming protocol on the calibration data): {floatScore.Accuracy * 100:F2}%"));
            Console.WriteLine($"{"strategy",-12}{"input range",14}  {"cell frac bits",-16}{"int accuracy",14}{"int macro-F1",14}");
            foreach (var c in candidates)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Name(c.Strategy),-12}{c.InputRange,14:F4}  {string.Join(",", c.CellFracBits),-16}{(c.Score is null ? "-" : $"{c.Score.Accuracy * 100:F2}%"),14}{(c.Score is null ? "-" : $"{c.Score.MacroF1 * 100:F2}%"),14}"));
            Console.WriteLine($"chose {Name(chosen.Strategy)}; wrote {output.FullName}");
        }
        return ExitCodes.Success;
    }

    private static RangeStrategy Parse(string s) => s switch
    {
        "minmax" => RangeStrategy.MinMax,
        "percentile" => RangeStrategy.Percentile,
        _ => RangeStrategy.Mse,
    };

    private static string Name(RangeStrategy s) => s.ToString().ToLowerInvariant();

    private static void SetProperty(ModelMetadata meta, string key, string value)
    {
        meta.Properties.RemoveAll(p => p.Key == key);
        meta.Properties.Add(new(key, value));
    }
}
