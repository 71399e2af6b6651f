using System.CommandLine;
using System.Globalization;
using EdgeLstm.Training.Training;

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
        return new Command("study", "Reproducible experiments behind the docs") { longTerm };
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
