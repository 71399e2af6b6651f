using System.CommandLine;
using System.Globalization;
using System.Text;
using EdgeLstm.Core.Float;
using EdgeLstm.Core.Integer;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `edgelstm infer`: runs a model over a CSV recording, one output line per step. The integer
/// engine prints its raw Q.12 logits exactly, so runs on different machines compare byte for byte.
/// </summary>
public static class InferCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var input = new Option<FileInfo>("--input", "-i") { Description = "CSV recording: optional header naming channels, one sample per line", Required = true };
        var engine = CommonOptions.Engine();
        var scalar = CommonOptions.Scalar();
        var command = new Command("infer", "Run a model over an input CSV and print every step's outputs (the integer engine's raw logits exactly)")
        {
            model, input, engine, scalar,
        };
        command.SetAction(p => CommandGuard.Run(() => Run(p.GetValue(model), p.GetValue(input)!, p.GetValue(engine)!, p.GetValue(scalar))));
        return command;
    }

    private static int Run(FileInfo? modelPath, FileInfo input, string engine, bool scalar)
    {
        var model = ModelSource.Load(modelPath);
        var samples = CsvSamples.Read(input.FullName, model.Metadata, model.InputSize);
        var labels = model.Metadata.Labels.Count == model.OutputSize
            ? model.Metadata.Labels
            : Enumerable.Range(0, model.OutputSize).Select(i => $"class{i}").ToList();
        using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { NewLine = "\n" };
        output.WriteLine($"t,label,{string.Join(',', labels)}");
        var line = new StringBuilder();
        if (engine == "float")
        {
            var session = model.CreateFloatSession();
            for (int t = 0; t < samples.Count; t++)
            {
                session.Step(samples[t]);
                line.Clear().Append(t).Append(',').Append(labels[session.Predicted]);
                foreach (float v in session.Logits) line.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
                output.WriteLine(line);
            }
        }
        else
        {
            var session = model.CreateIntegerSession(scalar ? KernelChoice.Scalar : KernelChoice.Auto);
            for (int t = 0; t < samples.Count; t++)
            {
                session.Step(samples[t]);
                line.Clear().Append(t).Append(',').Append(labels[session.Predicted]);
                foreach (int v in session.Logits) line.Append(',').Append(v.ToString(CultureInfo.InvariantCulture));
                output.WriteLine(line);
            }
        }
        return ExitCodes.Success;
    }
}
