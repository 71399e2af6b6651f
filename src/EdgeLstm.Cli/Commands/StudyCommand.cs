using System.CommandLine;
using System.Globalization;
using EdgeLstm.Training.Data;
using EdgeLstm.Training.Studies;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `edgelstm study`: reproducible experiments whose results the docs quote.
/// `study long-term` trains each cell on first-symbol recall at each sequence length
/// (docs/long-term-dependencies.md is its output).
/// </summary>
public static class StudyCommand
{
    public static Command Create()
    {
        var cells = new Option<string>("--cells") { Description = "Comma-separated cells; the suffix :chrono chrono-initializes the gate biases for lags up to T (Tallec & Ollivier 2018)",
            DefaultValueFactory = _ => "rnn,lstm,gru,lstm:chrono,gru:chrono" };
        var lengths = new Option<string>("--lengths") { Description = "Comma-separated sequence lengths T", DefaultValueFactory = _ => "10,50,100,200" };
        var hidden = new Option<int>("--hidden") { Description = "Hidden units", DefaultValueFactory = _ => 32 };
        var sequences = new Option<int>("--sequences") { Description = "Training sequences per length", DefaultValueFactory = _ => 1000 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per run", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Seed of data, initialization and shuffling", DefaultValueFactory = _ => 1 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 1e-2 };
        var batch = new Option<int>("--batch") { Description = "Sequences per minibatch", DefaultValueFactory = _ => 16 };
        var quiet = new Option<bool>("--no-distractors") { Description = "Zero input after the first step (the noise-free form of the task)" };
        var markdown = new Option<FileInfo?>("--markdown") { Description = "Also write the table to this markdown file (between the table markers if present)" };
        var longTerm = new Command("long-term", "First-symbol recall at several lengths: where the Elman RNN fails and gated cells remember")
        {
            cells, lengths, hidden, sequences, epochs, seed, lr, batch, quiet, markdown,
        };
        longTerm.SetAction(p => CommandGuard.Run(() =>
        {
            var settings = new LongTermDependencyStudy.Settings(
                Split(p.GetValue(cells)!, s => s), Split(p.GetValue(lengths)!, s => int.Parse(s, CultureInfo.InvariantCulture)),
                Hidden: p.GetValue(hidden), TrainSequences: p.GetValue(sequences), Epochs: p.GetValue(epochs), Seed: p.GetValue(seed),
                LearningRate: p.GetValue(lr), BatchSize: p.GetValue(batch), Distractors: !p.GetValue(quiet));
            return RunLongTerm(settings, p.GetValue(markdown), p.Tokens.Select(t => t.Value));
        }));
        return new Command("study", "Reproducible experiments behind the docs") { longTerm, Variants() };
    }

    private static int RunLongTerm(LongTermDependencyStudy.Settings settings, FileInfo? markdown, IEnumerable<string> tokens)
    {
        var inv = CultureInfo.InvariantCulture;
        var rows = LongTermDependencyStudy.Run(settings, r => Console.WriteLine(string.Create(inv,
            $"{r.Cell,-5} T={r.Length,4}  test {r.TestAccuracy * 100,6:F1} %  validation {r.ValidationAccuracy * 100,6:F1} %  best epoch {r.BestEpoch,3}/{r.Epochs}  {r.Seconds,7:F1} s")));
        string table = LongTermDependencyStudy.Table(rows);
        Console.WriteLine();
        Console.Write(table);
        if (markdown is not null)
        {
            const string begin = "<!-- table: begin -->", end = "<!-- table: end -->";
            string block = $"{begin}\n`edgelstm {string.Join(' ', tokens)}`\n\n{table}{end}";
            string text = markdown.Exists ? File.ReadAllText(markdown.FullName) : "";
            int a = text.IndexOf(begin, StringComparison.Ordinal), b = text.IndexOf(end, StringComparison.Ordinal);
            text = a >= 0 && b > a ? text[..a] + block + text[(b + end.Length)..] : text + block + "\n";
            File.WriteAllText(markdown.FullName, text);
        }
        return ExitCodes.Success;
    }

    private static Command Variants()
    {
        var cells = new Option<string?>("--cells") { Description = "Comma-separated cells, CELL+attention for the attention head (default: every cell the trainer knows, then lstm+attention and gru+attention)" };
        var hidden = new Option<int>("--hidden") { Description = "Hidden units per layer, the same for every cell", DefaultValueFactory = _ => 32 };
        var layers = new Option<int>("--layers") { Description = "Stacked layers", DefaultValueFactory = _ => 2 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per cell (no early stopping)", DefaultValueFactory = _ => 8 };
        var seed = new Option<int>("--seed") { Description = "Seed", DefaultValueFactory = _ => 1 };
        var steps = new Option<long>("--timed-steps") { Description = "Integer-engine steps timed per cell", DefaultValueFactory = _ => 100_000 };
        var dataset = new Option<string>("--dataset") { Description = "Named dataset", DefaultValueFactory = _ => "hapt" };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Markdown file to write; the SVG plot goes next to it (same name, .svg)", Required = true };
        var command = new Command("variants", "Every trainable cell on the same data and budget: accuracy (float, integer), parameters, MACs and ns per step, an SVG plot")
        {
            cells, hidden, layers, epochs, seed, steps, dataset, output,
        };
        command.SetAction(p => CommandGuard.Run(() =>
        {
            var list = p.GetValue(cells) is { } text ? Split(text, s => s) : [.. EdgeLstm.Core.Model.CellVariant.Names, .. VariantsStudy.DefaultHeadVariants];
            foreach (var c in list)
                if (!EdgeLstm.Core.Model.CellVariant.Names.Contains(VariantsStudy.CellOf(c))) throw new UsageException($"--cells: '{c}' is not a trainable cell ({string.Join(", ", EdgeLstm.Core.Model.CellVariant.Names)})");
            var settings = new VariantsStudy.Settings(list, p.GetValue(hidden), p.GetValue(layers), p.GetValue(epochs), p.GetValue(seed), p.GetValue(steps));
            if (settings.Hidden < 1 || settings.Layers < 1 || settings.Epochs < 1 || settings.TimedSteps < 1) throw new UsageException("hidden, layers, epochs and timed steps must be positive");
            var (train, test) = TrainingData.Load(null, null, p.GetValue(dataset), 50f);
            if (test is null) throw new UsageException("the dataset has no test split");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var inv = CultureInfo.InvariantCulture;
            var rows = VariantsStudy.Run(train, test, settings, r => Console.WriteLine(string.Create(inv,
                $"{r.Cell,-10} float {r.FloatAccuracy * 100,6:F2} %  integer {r.IntegerAccuracy * 100,6:F2} %  {r.Parameters,7:N0} parameters  {r.MacsPerStep,8:N0} MACs  {r.NsPerStep,7:N0} ns/step  {r.TrainSeconds,6:F0} s")));
            var md = p.GetValue(output)!;
            string svgPath = Path.ChangeExtension(md.FullName, ".svg");
            string command = "edgelstm " + string.Join(' ', p.Tokens.Select(t => t.Value));
            File.WriteAllText(svgPath, AccuracyCostPlot.Svg(rows, string.Create(inv, $"HAPT, {settings.Layers}x{settings.Hidden}, {settings.Epochs} epochs: accuracy against cost")));
            File.WriteAllText(md.FullName, VariantsReport.Markdown(rows, settings, command, Path.GetFileName(svgPath), clock.Elapsed,
                train.Recordings.Count, test.Recordings.Count, Windowing.WithinSegments(test.Recordings).Count));
            Console.WriteLine($"wrote {md.FullName} and {svgPath} in {clock.Elapsed.TotalMinutes:F1} min");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static List<T> Split<T>(string text, Func<string, T> parse)
    {
        try
        {
            return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).ToList();
        }
        catch (FormatException)
        {
            throw new UsageException($"'{text}' is not a comma-separated list of the expected values");
        }
    }
}
