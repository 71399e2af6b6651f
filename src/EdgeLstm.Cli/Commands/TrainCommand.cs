using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;
using EdgeLstm.Core.Quantization;
using EdgeLstm.Training.Optimization;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `edgelstm train`: trains a float model on recordings (any cell of Core, stacked), keeps the
/// epoch with the best validation accuracy, quantizes it with calibration on the training data,
/// and writes one model file holding both forms, with normalization, labels, mode and the
/// training command in its metadata; beside it, MODEL.training.svg draws the loss and validation
/// accuracy per epoch (<see cref="TrainingCurvePlot"/>).
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var cell = new Option<string>("--cell") { Description = "Cell of every layer (depth-gated: over a first LSTM layer)", DefaultValueFactory = _ => "lstm" }
            .AcceptOnlyFromAmong([.. CellVariant.Names]);
        var periods = new Option<string?>("--periods") { Description = "Clockwork module periods, fastest first, e.g. 1,2,4,8 (equal modules; default 1,2,4,... with modules of at least 8 units)" };
        var hidden = new Option<int>("--hidden") { Description = "Hidden units per layer", DefaultValueFactory = _ => 32 };
        var layers = new Option<int>("--layers") { Description = "Stacked recurrent layers", DefaultValueFactory = _ => 2 };
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs", DefaultValueFactory = _ => 30 };
        var seed = new Option<int>("--seed") { Description = "Seed of initialization and shuffling (same seed, same bytes)", DefaultValueFactory = _ => 1 };
        var window = new Option<int>("--window") { Description = "Window length in samples", DefaultValueFactory = _ => 128 };
        var hop = new Option<int>("--hop") { Description = "Hop between windows in samples", DefaultValueFactory = _ => 64 };
        var mode = new Option<string>("--mode") { Description = "windowed: one label per window; streaming: truncated BPTT over whole recordings, a label every step", DefaultValueFactory = _ => "windowed" }
            .AcceptOnlyFromAmong("windowed", "streaming");
        var chunk = new Option<int>("--chunk") { Description = "Streaming: steps per truncated-BPTT chunk", DefaultValueFactory = _ => 128 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate (cosine-decayed to 5% over the epochs)", DefaultValueFactory = _ => 3e-3 };
        var batch = new Option<int>("--batch") { Description = "Windows per minibatch, or parallel recording lanes in streaming mode", DefaultValueFactory = _ => 32 };
        var patience = new Option<int>("--patience") { Description = "Stop after this many epochs without better validation accuracy (0: never)", DefaultValueFactory = _ => 8 };
        var classWeights = new Option<string>("--class-weights") { Description = "none, balanced, or one weight per class (comma-separated)", DefaultValueFactory = _ => "none" };
        var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW weight decay on weight matrices", DefaultValueFactory = _ => 1e-4 };
        var clipNorm = new Option<double>("--clip-norm") { Description = "Global gradient-norm clip (0: none)", DefaultValueFactory = _ => 1.0 };
        var validation = new Option<double>("--validation") { Description = "Fraction of training subjects/recordings held out for early stopping", DefaultValueFactory = _ => 0.15 };
        var cellClip = new Option<float>("--cell-clip") { Description = "ONNX clip of gate pre-activations (0: none)" };
        var head = new Option<string>("--head") { Description = "What the dense head classifies: last (the last hidden state) or attention (attention pooling over the window's hidden states; windowed only)", DefaultValueFactory = _ => "last" }
            .AcceptOnlyFromAmong("last", "attention");
        var attentionSize = new Option<int>("--attention-size") { Description = "Attention head: rows of the score's hidden layer (0: the hidden size)" };
        var shards = new Option<int>("--shards") { Description = "Fixed shards per minibatch (part of the result; not the core count)", DefaultValueFactory = _ => 2 };
        var train = new Option<string?>("--train") { Description = "Directory of recording CSV files (split by file when --test is absent)" };
        var test = new Option<string?>("--test") { Description = "Directory of test recordings (reported, never used for training or early stopping)" };
        var dataset = new Option<string?>("--dataset") { Description = "A named dataset instead of --train" };
        var rate = new Option<float>("--rate") { Description = "Sample rate of the recordings in Hz (stored in the model)", DefaultValueFactory = _ => 50f };
        var augShift = new Option<int>("--aug-shift") { Description = "Augmentation: move each training window by up to this many samples inside its segment, every epoch" };
        var augScale = new Option<double>("--aug-scale") { Description = "Augmentation: multiply each training window by 1 + N(0, this)" };
        var augRotate = new Option<double>("--aug-rotate") { Description = "Augmentation: rotate each window's x/y/z triplets by up to this many degrees" };
        var augNoise = new Option<double>("--aug-noise") { Description = "Augmentation: Gaussian noise of this standard deviation (normalized units)" };
        var labelSteps = new Option<int>("--label-steps") { Description = "Windowed: the window's last N steps carry its label in the loss (1: only the last)", DefaultValueFactory = _ => 1 };
        var windowLabels = new Option<string>("--window-labels") { Description = "Windowed: inside = train on windows inside one labelled segment (UCI HAR); last = every window whose last sample is labelled, labelled by it", DefaultValueFactory = _ => "inside" }
            .AcceptOnlyFromAmong("inside", "last");
        var modelHop = new Option<int>("--model-hop") { Description = "The hop the model file declares for the daemon (windowed; default: --hop)" };
        var preset = new Option<string?>("--preset") { Description = "A documented recipe (models/README.md): default = the shipped model; explicit options override it" }
            .AcceptOnlyFromAmong([.. TrainPresets.Names]);
        var output = new Option<FileInfo>("--output", "-o") { Description = "Model file to write", Required = true };
        var json = CommonOptions.Json();
        var command = new Command("train", "Train a model on recordings (any cell type), quantize it, write the model file")
        {
            cell, periods, hidden, layers, epochs, seed, window, hop, mode, chunk, lr, batch, patience, classWeights, weightDecay, clipNorm,
            validation, cellClip, shards, train, test, dataset, rate, augShift, augScale, augRotate, augNoise, labelSteps, windowLabels, modelHop, preset, output, json, head, attentionSize,
        };
        command.SetAction(p => CommandGuard.Run(() =>
        {
            if (p.GetValue(preset) is { } name)
            {
                // A preset is a list of options; the user's explicit ones win. The command line as typed is what the model records.
                var typed = p.Tokens.Where(t => t.Type != TokenType.Command).Select(t => t.Value).ToList();
                var again = command.Parse(TrainPresets.Expand(name, typed));
                if (again.Errors.Count > 0) throw new UsageException(again.Errors[0].Message);
                return Build(again, p.Tokens.Select(t => t.Value));
            }
            return Build(p, p.Tokens.Select(t => t.Value));
        }));
        return command;

        int Build(ParseResult p, IEnumerable<string> typed)
        {
            var (weighting, explicitWeights) = ParseWeights(p.GetValue(classWeights)!);
            var options = new TrainerOptions
            {
                Cell = p.GetValue(cell)!, Periods = BenchCommand.ParsePeriods(p.GetValue(periods)), Hidden = p.GetValue(hidden), Layers = p.GetValue(layers), Epochs = p.GetValue(epochs),
                Seed = p.GetValue(seed), Window = p.GetValue(window), Hop = p.GetValue(hop), Chunk = p.GetValue(chunk),
                Mode = p.GetValue(mode) == "streaming" ? ClassificationMode.Streaming : ClassificationMode.Windowed,
                LearningRate = p.GetValue(lr), BatchSize = p.GetValue(batch), Patience = p.GetValue(patience),
                Weighting = weighting, ClassWeights = explicitWeights, WeightDecay = p.GetValue(weightDecay),
                GradientClip = p.GetValue(clipNorm), ValidationFraction = p.GetValue(validation), CellClip = p.GetValue(cellClip),
                Shards = p.GetValue(shards), ModelHop = p.GetValue(modelHop), LabelSteps = p.GetValue(labelSteps), LabelByLastSample = p.GetValue(windowLabels) == "last",
                Augmentation = new AugmentationOptions
                {
                    Shift = p.GetValue(augShift), Scale = p.GetValue(augScale), RotateDegrees = p.GetValue(augRotate), Noise = p.GetValue(augNoise),
                },
                Head = p.GetValue(head) == "attention" ? HeadKind.Attention : HeadKind.Last, AttentionSize = p.GetValue(attentionSize),
            };
            return Run(options, p.GetValue(train), p.GetValue(test), p.GetValue(dataset), p.GetValue(rate), p.GetValue(output)!, p.GetValue(json), typed);
        }
    }

    private static int Run(TrainerOptions options, string? trainDir, string? testDir, string? dataset, float rate, FileInfo output, bool json, IEnumerable<string> tokens)
    {
        try { options.Validate(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var (train, test) = TrainingData.Load(trainDir, testDir, dataset, rate);
        TrainingSetGuard.Check(train, options); // before the warning below: a refusal is the one line
        if (TrainingData.NoTestSplit(trainDir, testDir, dataset) is { } warning) Console.Error.WriteLine(warning);
        var log = json ? Console.Error : Console.Out;
        bool terminal = json ? !Console.IsErrorRedirected : !Console.IsOutputRedirected;
        log.WriteLine($"training {options.Cell} {options.Layers}x{options.Hidden}{(options.Head == HeadKind.Attention ? " with an attention head" : "")} ({options.Mode.ToString().ToLowerInvariant()}) on {train.Recordings.Count} recordings, " +
                      $"{train.ChannelCount} channels, {train.ClassCount} classes; seed {options.Seed}");
        var clock = Stopwatch.StartNew();
        var progress = new TrainProgress(log, terminal, options.Epochs, terminal ? TerminalWidth() : 0);
        var result = Trainer.Train(train, null, options, progress.Callbacks);
        progress.Finish();
        var trainSeconds = clock.Elapsed.TotalSeconds;

        var calibration = CalibrationSequences.From(result.TrainingSet, options.Mode, options.Window, options.Hop);
        var model = QuantizeModel.WithIntegerForm(result.Model, calibration);
        var inv = CultureInfo.InvariantCulture;
        var properties = model.Metadata.Properties;
        properties.Add(new("training.command", "edgelstm " + string.Join(' ', tokens)));
        // No wall-clock figures in the file: the same command and seed must give the same bytes.
        double floatAccuracy = double.NaN, intAccuracy = double.NaN;
        if (test is not null)
        {
            floatAccuracy = EngineAccuracy.Measure(model, EngineKind.Float, test, options.Hop);
            intAccuracy = EngineAccuracy.Measure(model, EngineKind.Integer, test, options.Hop);
            properties.Add(new("test.recordings", test.Recordings.Count.ToString(inv)));
            properties.Add(new("test.float_accuracy", floatAccuracy.ToString("F4", inv)));
            properties.Add(new("test.integer_accuracy", intAccuracy.ToString("F4", inv)));
        }
        ModelFileWriter.Save(model, output.FullName);
        string curvePath = PictureFile.Beside(output.FullName, "training");
        bool curveWritten = PictureFile.TryWrite(curvePath, Curve(result, options, output.Name, test is null ? null : (floatAccuracy, intAccuracy)), "training curve");

        if (json)
        {
            Json.WriteLine(w =>
            {
                w.WriteStartObject();
                w.WriteString("model", output.FullName);
                w.WriteNumber("epochs", result.Epochs.Count);
                w.WriteNumber("bestEpoch", result.BestEpoch);
                WriteNumber(w, "validationAccuracy", result.BestValidationAccuracy);
                WriteNumber(w, "testFloatAccuracy", floatAccuracy);
                WriteNumber(w, "testIntegerAccuracy", intAccuracy);
                w.WriteNumber("seconds", Math.Round(trainSeconds, 2));
                w.WriteNumber("nsPerEpoch", result.Epochs.Sum(e => e.Elapsed.Ticks) * 100 / result.Epochs.Count);
                if (curveWritten) w.WriteString("trainingCurve", curvePath);
                else w.WriteNull("trainingCurve");
                w.WriteEndObject();
            });
        }
        else
        {
            Console.WriteLine(string.Create(inv, $"best epoch {result.BestEpoch} of {result.Epochs.Count}, validation accuracy {Percent(result.BestValidationAccuracy)}"));
            var first = result.Epochs[0];
            Console.WriteLine(string.Create(inv,
                $"per epoch: {first.Sequences} {(options.Mode == ClassificationMode.Streaming ? "lane chunks" : "windows")} of {(options.Mode == ClassificationMode.Streaming ? options.Chunk : options.Window)} steps in {first.Minibatches} minibatches, mean {result.Epochs.Average(e => e.Elapsed.TotalSeconds):F1} s (training and validation)"));
            if (test is not null)
                Console.WriteLine(string.Create(inv, $"test accuracy: float {Percent(floatAccuracy)}, integer {Percent(intAccuracy)} ({test.Recordings.Count} recordings)"));
            Console.WriteLine($"wrote {output.FullName} (float + integer)");
            if (curveWritten) Console.WriteLine($"wrote {curvePath} (training curve)");
        }
        return ExitCodes.Success;
    }

    /// <summary>The training curve's picture: the title names the file, the cell and the mode; the subtitle the budget and the accuracies.</summary>
    private static string Curve(TrainingResult result, TrainerOptions o, string fileName, (double Float, double Integer)? test)
    {
        var inv = CultureInfo.InvariantCulture;
        string title = $"{fileName}: {o.Cell} {o.Layers}x{o.Hidden}{(o.Head == HeadKind.Attention ? " + attention" : "")}, {o.Mode.ToString().ToLowerInvariant()}";
        string budget = string.Create(inv, $"{result.Epochs.Count} of at most {o.Epochs} epochs, seed {o.Seed}");
        if (!double.IsNaN(result.BestValidationAccuracy))
            budget += string.Create(inv, $"; best validation accuracy {Percent(result.BestValidationAccuracy)} at epoch {result.BestEpoch}");
        var notes = new List<string> { budget };
        if (test is { } t) notes.Add($"test accuracy of the kept epoch: float {Percent(t.Float)}, integer {Percent(t.Integer)}");
        return TrainingCurvePlot.Svg(result.Epochs, result.BestEpoch, title, notes);
    }

    /// <summary>Columns of the terminal progress goes to, less one (a full line would wrap and break the carriage return); 0 when unknown.</summary>
    private static int TerminalWidth()
    {
        try { return Math.Max(0, Console.WindowWidth - 1); }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or InvalidOperationException) { return 0; }
    }

    private static string Percent(double v) => double.IsNaN(v) ? "-" : v.ToString("P2", CultureInfo.InvariantCulture);

    private static void WriteNumber(System.Text.Json.Utf8JsonWriter w, string name, double value)
    {
        if (double.IsNaN(value)) w.WriteNull(name);
        else w.WriteNumber(name, Math.Round(value, 6));
    }

    private static (ClassWeighting, IReadOnlyList<float>?) ParseWeights(string text)
    {
        if (text == "none") return (ClassWeighting.None, null);
        if (text == "balanced") return (ClassWeighting.Balanced, null);
        var parts = text.Split(',');
        var weights = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out weights[i]) || weights[i] < 0)
                throw new UsageException($"--class-weights: '{parts[i]}' is not a non-negative number (or use none, balanced)");
        return (ClassWeighting.None, weights);
    }
}
