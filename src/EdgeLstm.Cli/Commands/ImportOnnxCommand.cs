using System.CommandLine;
using System.Globalization;
using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;
using EdgeLstm.Core.Quantization;
using EdgeLstm.Onnx.Import;
using EdgeLstm.Training.Data;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `edgelstm import-onnx MODEL.onnx -o FILE`: a whole exported LSTM/GRU/RNN classifier (see
/// docs/onnx.md for the patterns) into a model file, with the metadata the graph cannot say
/// (labels, channel names, rate, mode) from options, and the integer form when calibration
/// recordings are given.
/// </summary>
public static class ImportOnnxCommand
{
    public static Command Create()
    {
        var input = new Argument<FileInfo>("MODEL") { Description = "The exported ONNX model (.onnx)" };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Model file to write (.elstm)", Required = true };
        var calibration = new Option<DirectoryInfo?>("--calibration") { Description = "Directory of CSV recordings (DESIGN.md section 5): adds the integer form, calibrated on them" };
        var labels = new Option<string?>("--labels") { Description = "Class names, comma-separated, in the order of the model's outputs" };
        var channels = new Option<string?>("--channels") { Description = "Input channel names (name or name:unit), comma-separated, in the order of the model's inputs; recordings' columns are matched to them" };
        var mode = new Option<string?>("--mode") { Description = "streaming (a class every sample) or windowed (reset, run a window, classify at its end, every hop); default: windowed when the head reads the last step, else streaming" }
            .AcceptOnlyFromAmong("streaming", "windowed");
        var window = new Option<int?>("--window") { Description = "Window length in samples (windowed mode; default: the sequence length fixed in the graph input)" };
        var hop = new Option<int?>("--hop") { Description = "Hop between windows in samples (default: half the window)" };
        var rate = new Option<float>("--sample-rate") { Description = "Sample rate in Hz the model was trained for (0: unknown)" };
        var name = new Option<string?>("--name") { Description = "Model name (default: the ONNX file's name)" };
        var mean = new Option<string?>("--mean") { Description = "Per-channel mean to subtract before the model (comma-separated), if the graph expects normalized input" };
        var std = new Option<string?>("--std") { Description = "Per-channel standard deviation to divide by before the model (comma-separated)" };
        var json = CommonOptions.Json();
        var command = new Command("import-onnx", "Import an LSTM / GRU / RNN classifier exported from PyTorch, Keras (tf2onnx) or others")
        {
            input, output, calibration, labels, channels, mode, window, hop, rate, name, mean, std, json,
        };
        command.SetAction(p => CommandGuard.Run(() => Run(new Request(
            p.GetValue(input)!, p.GetValue(output)!, p.GetValue(calibration), p.GetValue(labels), p.GetValue(channels), p.GetValue(mode),
            p.GetValue(window), p.GetValue(hop), p.GetValue(rate), p.GetValue(name), p.GetValue(mean), p.GetValue(std)), p.GetValue(json))));
        return command;
    }

    private sealed record Request(FileInfo Input, FileInfo Output, DirectoryInfo? Calibration, string? Labels, string? Channels, string? Mode,
        int? Window, int? Hop, float SampleRate, string? Name, string? Mean, string? Std);

    private static int Run(Request r, bool json)
    {
        if (!r.Input.Exists) throw new UsageException($"{r.Input.FullName}: no such file");
        var imported = OnnxModelImporter.Import(r.Input.FullName);
        var net = imported.Network;
        var metadata = Metadata(r, imported);
        var model = new EdgeModel(metadata, net, null);

        int steps = 0, recordings = 0;
        if (r.Calibration is not null)
        {
            if (!r.Calibration.Exists) throw new UsageException($"{r.Calibration.FullName}: no such directory");
            var files = RecordingDirectory.Files(r.Calibration.FullName); // the order and rules every reader of a directory uses
            var sequences = new List<float[][]>();
            foreach (var f in files)
            {
                var samples = CsvSamples.Read(f, metadata, net.InputSize);
                steps += samples.Count;
                sequences.AddRange(metadata.Mode == ClassificationMode.Windowed ? Windows(samples, metadata.Window, metadata.Hop) : [[.. samples]]);
            }
            recordings = files.Length;
            model = QuantizeModel.WithIntegerForm(model, sequences);
        }
        ModelFileWriter.Save(model, r.Output.FullName);

        string layers = string.Join(" + ", net.Layers.Select(l => $"{l.VariantName} {l.InputSize}->{l.HiddenSize}"));
        string head = $"dense {net.Head.InputSize}->{net.Head.OutputSize} on {(imported.HeadOnLastStep ? "the last step" : "every step")}{(imported.EndsInSoftmax ? " + softmax" : "")}";
        string mode = metadata.Mode == ClassificationMode.Windowed ? $"windowed (window {metadata.Window}, hop {metadata.Hop})" : "streaming";
        if (json)
        {
            Json.WriteLine(w =>
            {
                w.WriteStartObject();
                w.WriteString("source", r.Input.FullName);
                w.WriteString("output", r.Output.FullName);
                w.WriteObjects("layers", net.Layers, (w, l) =>
                {
                    w.WriteString("variant", l.VariantName);
                    w.WriteNumber("inputs", l.InputSize);
                    w.WriteNumber("hidden", l.HiddenSize);
                    w.WriteNumber("clip", l.Clip);
                });
                w.WriteNumber("classes", net.OutputSize);
                w.WriteBoolean("headOnLastStep", imported.HeadOnLastStep);
                w.WriteBoolean("softmax", imported.EndsInSoftmax);
                w.WriteString("mode", metadata.Mode.ToString().ToLowerInvariant());
                w.WriteNumber("window", metadata.Window);
                w.WriteNumber("hop", metadata.Hop);
                w.WriteBoolean("integer", model.Integer is not null);
                w.WriteNumber("calibrationRecordings", recordings);
                w.WriteNumber("calibrationSteps", steps);
                w.WriteEndObject();
            });
        }
        else
        {
            Console.Out.Write($"imported {r.Input.Name}: {layers}, {head}\n");
            Console.Out.Write($"mode: {mode}; labels: {string.Join(',', metadata.Labels)}; channels: {string.Join(',', metadata.Channels.Select(c => c.Name))}\n");
            Console.Out.Write(model.Integer is null
                ? "float form only (give --calibration DIR for the integer form)\n"
                : $"integer form calibrated on {steps} samples from {recordings} recording(s)\n");
            Console.Out.Write($"wrote {r.Output.FullName}\n");
        }
        return ExitCodes.Success;
    }

    private static ModelMetadata Metadata(Request r, ImportedNetwork imported)
    {
        var net = imported.Network;
        var labels = List(r.Labels, net.OutputSize, "--labels", "classes") ?? Enumerable.Range(0, net.OutputSize).Select(i => $"class{i}").ToList();
        var channels = (List(r.Channels, net.InputSize, "--channels", "inputs") ?? Enumerable.Range(0, net.InputSize).Select(i => $"ch{i}").ToList())
            .Select(c => c.Split(':', 2) is var p && p.Length == 2 ? new InputChannel(p[0], p[1]) : new InputChannel(c, "")).ToList();

        // The user's normalization comes first, then the graph's own: ((x - mu) / su - mg) / sg.
        var userMean = Numbers(r.Mean, net.InputSize, "--mean") ?? new float[net.InputSize];
        var userStd = Numbers(r.Std, net.InputSize, "--std") ?? Enumerable.Repeat(1f, net.InputSize).ToArray();
        if (userStd.Any(s => !(s > 0))) throw new UsageException("--std values must be positive");
        var mean = new float[net.InputSize];
        var std = new float[net.InputSize];
        for (int j = 0; j < net.InputSize; j++)
        {
            mean[j] = userMean[j] + imported.Mean[j] * userStd[j];
            std[j] = userStd[j] * imported.Std[j];
        }

        var mode = r.Mode switch
        {
            "streaming" => ClassificationMode.Streaming,
            "windowed" => ClassificationMode.Windowed,
            _ => imported.HeadOnLastStep ? ClassificationMode.Windowed : ClassificationMode.Streaming,
        };
        int window = 0, hop = 0;
        if (mode == ClassificationMode.Windowed)
        {
            window = r.Window ?? imported.StaticSequenceLength;
            if (window <= 0) throw new UsageException("windowed mode needs --window N (the graph input's sequence length is not fixed)");
            hop = r.Hop ?? Math.Max(1, window / 2);
            if (hop <= 0) throw new UsageException("--hop must be positive");
        }
        else if (r.Window is not null || r.Hop is not null)
        {
            throw new UsageException("--window and --hop apply to --mode windowed");
        }
        if (r.SampleRate < 0) throw new UsageException("--sample-rate must not be negative");

        var metadata = new ModelMetadata
        {
            Name = r.Name ?? Path.GetFileNameWithoutExtension(r.Input.Name),
            Labels = labels,
            Channels = channels,
            SampleRateHz = r.SampleRate,
            Mean = mean,
            Std = std,
            Mode = mode,
            Window = window,
            Hop = hop,
        };
        metadata.Properties.Add(new("provenance", $"imported from ONNX {r.Input.Name} (input '{imported.InputName}', output '{imported.OutputName}')"));
        metadata.Properties.Add(new("onnx.head", imported.HeadOnLastStep ? "last step" : "every step"));
        return metadata;
    }

    private static List<string>? List(string? text, int count, string option, string what)
    {
        if (text is null) return null;
        var items = text.Split(',', StringSplitOptions.TrimEntries);
        if (items.Length != count || items.Any(i => i.Length == 0))
            throw new UsageException($"{option} names {items.Length} {what}, the model has {count}");
        return [.. items];
    }

    private static float[]? Numbers(string? text, int count, string option)
    {
        var items = List(text, count, option, "values");
        return items?.Select(s => float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && float.IsFinite(v)
            ? v : throw new UsageException($"{option}: '{s}' is not a number")).ToArray();
    }

    /// <summary>Windows of the recording at the model's hop: what a windowed model sees, each from the zero state.</summary>
    private static IEnumerable<float[][]> Windows(List<float[]> samples, int window, int hop)
    {
        for (int start = 0; start + window <= samples.Count; start += hop)
            yield return samples.GetRange(start, window).ToArray();
    }
}
