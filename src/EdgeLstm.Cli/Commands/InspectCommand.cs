using System.CommandLine;
using System.Globalization;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Cli.Commands;

/// <summary>`edgelstm inspect`: metadata, layers, parameter count, sizes and cost of a model.</summary>
public static class InspectCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var json = CommonOptions.Json();
        var command = new Command("inspect", "Print a model's metadata, layers, sizes and cost") { model, json };
        command.SetAction(p => CommandGuard.Run(() => Run(p.GetValue(model), p.GetValue(json))));
        return command;
    }

    private sealed record LayerRow(string Variant, int Inputs, int Hidden, long Parameters, long Macs, double AverageMacs, float Clip, int[]? Periods);

    private static int Run(FileInfo? path, bool json)
    {
        var model = ModelSource.Load(path);
        var m = model.Metadata;
        var rows = model.Float is not null
            ? model.Float.Layers.Select(l => new LayerRow(l.VariantName, l.InputSize, l.HiddenSize, l.ParameterCount, l.MacsPerStep, l.AverageMacsPerStep, l.Clip, l.Periods)).ToList()
            : model.Integer!.Layers.Select(l => new LayerRow(l.VariantName, l.InputSize, l.HiddenSize,
                (long)l.Rows * (l.InputSize + l.HiddenSize) + l.Rows + (l.Peepholes?.Length ?? 0), l.MacsPerStep, l.AverageMacsPerStep, l.ClipQ12 / 4096f, l.Periods)).ToList();
        int headIn = model.Float?.Head.InputSize ?? model.Integer!.Head.InputSize;
        long headParams = (long)headIn * model.OutputSize + model.OutputSize;
        var attention = AttentionRow.Of(model);
        // With attention the dense head runs once per window: its MACs are amortized (docs/attention.md).
        long headMacs = model.Float?.HeadMacsPerStep ?? model.Integer!.HeadMacsPerStep;
        long denseMacs = attention is null ? headMacs : headMacs - attention.Macs;
        long parameters = rows.Sum(r => r.Parameters) + headParams + (attention?.Parameters ?? 0);
        long macs = rows.Sum(r => r.Macs) + headMacs;
        double averageMacs = rows.Sum(r => r.AverageMacs) + headMacs;
        long floatBytes = model.Float is null ? 0 : 4 * model.Float.ParameterCount;
        long intBytes = model.Integer?.WeightBytes ?? 0;
        string forms = (model.Float, model.Integer) switch
        {
            (not null, not null) => "float + integer",
            (not null, null) => "float only (run `edgelstm quantize` for the integer form)",
            _ => "integer only (float part stripped)",
        };

        if (json)
        {
            Json.WriteLine(w =>
            {
                w.WriteStartObject();
                w.WriteString("source", ModelSource.Describe(path));
                w.WriteString("name", m.Name);
                w.WriteString("forms", forms);
                w.WriteStartArray("labels"); foreach (var l in m.Labels) w.WriteStringValue(l); w.WriteEndArray();
                w.WriteStartArray("channels");
                foreach (var c in m.Channels) { w.WriteStartObject(); w.WriteString("name", c.Name); w.WriteString("unit", c.Unit); w.WriteEndObject(); }
                w.WriteEndArray();
                w.WriteNumber("sampleRateHz", m.SampleRateHz);
                w.WriteString("mode", m.Mode.ToString().ToLowerInvariant());
                w.WriteNumber("window", m.Window);
                w.WriteNumber("hop", m.Hop);
                w.WriteStartArray("layers");
                foreach (var r in rows)
                {
                    w.WriteStartObject();
                    w.WriteString("cell", r.Variant); w.WriteNumber("inputs", r.Inputs); w.WriteNumber("hidden", r.Hidden);
                    w.WriteNumber("parameters", r.Parameters); w.WriteNumber("macsPerStep", Math.Round(r.AverageMacs, 1)); w.WriteNumber("peakMacsPerStep", r.Macs);
                    if (r.Clip > 0) w.WriteNumber("clip", r.Clip);
                    if (r.Periods is not null)
                    {
                        w.WriteStartArray("periods");
                        foreach (int p in r.Periods) w.WriteNumberValue(p);
                        w.WriteEndArray();
                    }
                    w.WriteEndObject();
                }
                if (attention is not null)
                {
                    w.WriteStartObject(); w.WriteString("cell", "attention"); w.WriteNumber("inputs", attention.Hidden); w.WriteNumber("size", attention.Size);
                    w.WriteNumber("window", attention.Steps); w.WriteNumber("parameters", attention.Parameters); w.WriteNumber("macsPerStep", attention.Macs);
                    w.WriteEndObject();
                }
                w.WriteStartObject(); w.WriteString("cell", "dense"); w.WriteNumber("inputs", headIn); w.WriteNumber("outputs", model.OutputSize);
                w.WriteNumber("parameters", headParams); w.WriteNumber("macsPerStep", denseMacs); w.WriteEndObject();
                w.WriteEndArray();
                w.WriteString("head", attention is null ? "last" : "attention");
                w.WriteNumber("parameters", parameters);
                w.WriteNumber("floatBytes", floatBytes);
                w.WriteNumber("integerBytes", intBytes);
                w.WriteNumber("macsPerStep", Math.Round(averageMacs, 1));
                w.WriteNumber("peakMacsPerStep", macs);
                w.WriteStartObject("properties"); foreach (var (k, v) in m.Properties) w.WriteString(k, v); w.WriteEndObject();
                w.WriteEndObject();
            });
            return ExitCodes.Success;
        }

        Console.WriteLine($"model       {m.Name}  [{ModelSource.Describe(path)}]");
        Console.WriteLine($"forms       {forms}");
        Console.WriteLine($"labels      {string.Join(", ", m.Labels)}");
        Console.WriteLine($"channels    {string.Join(", ", m.Channels.Select(c => c.Unit.Length > 0 ? $"{c.Name} [{c.Unit}]" : c.Name))}");
        Console.WriteLine($"rate        {m.SampleRateHz.ToString(CultureInfo.InvariantCulture)} Hz, {m.Mode.ToString().ToLowerInvariant()}" +
                          (m.Mode == ClassificationMode.Windowed ? $" (window {m.Window}, hop {m.Hop})" : ""));
        Console.WriteLine("layers");
        foreach (var r in rows)
            Console.WriteLine($"  {r.Variant,-14} {r.Inputs,5} -> {r.Hidden,-5} {r.Parameters,10:N0} params {r.AverageMacs,10:N0} MACs/step" + (r.Clip > 0 ? $"  clip {r.Clip}" : "")
                              + (r.Periods is null ? "" : $"  periods {string.Join(',', r.Periods)} (peak {r.Macs:N0})"));
        if (attention is not null)
            Console.WriteLine($"  {"attention",-14} {attention.Hidden,5} -> {attention.Hidden,-5} {attention.Parameters,10:N0} params {attention.Macs,10:N0} MACs/step" +
                              $"  size {attention.Size}, pools the window's {attention.Steps} hidden states");
        Console.WriteLine($"  {"dense",-14} {headIn,5} -> {model.OutputSize,-5} {headParams,10:N0} params {denseMacs,10:N0} MACs/step" +
                          (attention is null ? "" : $"  (once per window, {(long)headIn * model.OutputSize:N0} MACs)"));
        Console.WriteLine($"head        {(attention is null ? "last hidden state" : "attention pooling over the window (docs/attention.md)")}");
        Console.WriteLine($"parameters  {parameters:N0}");
        Console.WriteLine($"bytes       float {floatBytes:N0}, integer {intBytes:N0}");
        Console.WriteLine($"cost        {averageMacs:N0} MACs per step" + (macs > averageMacs ? $" on average, {macs:N0} at most" : ""));
        foreach (var (k, v) in m.Properties) Console.WriteLine($"{k,-11} {v}");
        return ExitCodes.Success;
    }
}

/// <summary>The attention head's row of `inspect`: scoring every step plus its share of the pooling.</summary>
internal sealed record AttentionRow(int Hidden, int Size, int Steps, long Parameters, long Macs)
{
    public static AttentionRow? Of(EdgeModel model)
    {
        var (hidden, size, steps) = model.Float?.Attention is { } f ? (f.HiddenSize, f.Size, f.Steps)
            : model.Integer?.Attention is { } q ? (q.HiddenSize, q.Size, q.Steps) : (0, 0, 0);
        if (steps == 0) return null;
        return new AttentionRow(hidden, size, steps, (long)size * hidden + 2L * size, AttentionCost.ScoreMacs(hidden, size) + hidden);
    }
}
