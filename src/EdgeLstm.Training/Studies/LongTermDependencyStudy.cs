using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeLstm.Training.Optimization;

namespace EdgeLstm.Training.Studies;

/// <summary>
/// Trains each cell on <see cref="FirstSymbolRecall"/> at each sequence length with one budget
/// and reports the test accuracy of its float engine: where the Elman RNN falls to chance and
/// the gated cells keep remembering.
/// </summary>
public static class LongTermDependencyStudy
{
    /// <summary>Cells may carry the suffix ":chrono" (chrono initialization of the gate biases for lags up to T).</summary>
    public sealed record Settings(IReadOnlyList<string> Cells, IReadOnlyList<int> Lengths, int Hidden = 32, int TrainSequences = 1000,
        int TestSequences = 500, int Epochs = 10, int Seed = 1, double LearningRate = 1e-2, int BatchSize = 16, bool Distractors = true);

    public sealed record Row(string Cell, int Length, double TestAccuracy, double ValidationAccuracy, int BestEpoch, int Epochs, double Seconds);

    public static List<Row> Run(Settings s, Action<Row>? onRow = null)
    {
        var rows = new List<Row>();
        foreach (int length in s.Lengths)
        {
            var train = FirstSymbolRecall.Create(s.TrainSequences, length, s.Seed * 1000 + length, "train", s.Distractors);
            var validation = FirstSymbolRecall.Create(s.TestSequences, length, s.Seed * 1000 + length + 1, "validation", s.Distractors);
            var test = FirstSymbolRecall.Create(s.TestSequences, length, s.Seed * 1000 + length + 2, "test", s.Distractors);
            foreach (var spec in s.Cells)
            {
                // "lstm:chrono" is the LSTM with chrono-initialized gate biases for lags up to T.
                bool chrono = spec.EndsWith(":chrono", StringComparison.Ordinal);
                string cell = chrono ? spec[..^":chrono".Length] : spec;
                var options = new TrainerOptions
                {
                    Cell = cell, Hidden = s.Hidden, Layers = 1, Epochs = s.Epochs, Seed = s.Seed, Mode = ClassificationMode.Windowed,
                    Window = length, Hop = length, LearningRate = s.LearningRate, BatchSize = s.BatchSize, Patience = 0, WeightDecay = 0,
                    ChronoLag = chrono ? length : 0,
                };
                var clock = Stopwatch.StartNew();
                var result = Trainer.Train(train, validation, options);
                var row = new Row(spec, length, Accuracy(result.Model, test, length), result.BestValidationAccuracy, result.BestEpoch,
                    result.Epochs.Count, clock.Elapsed.TotalSeconds);
                rows.Add(row);
                onRow?.Invoke(row);
            }
        }
        return rows;
    }

    /// <summary>Float-engine accuracy: each test sequence from zero state, classified at its last step.</summary>
    public static double Accuracy(EdgeModel model, Data.Dataset test, int length)
    {
        var session = model.CreateFloatSession();
        int correct = 0;
        foreach (var r in test.Recordings)
        {
            session.Reset();
            for (int t = 0; t < length; t++) session.Step(r.Row(t));
            if (session.Predicted == r.Labels[0]) correct++;
        }
        return (double)correct / test.Recordings.Count;
    }

    /// <summary>The markdown table: one row per cell, one column per length.</summary>
    public static string Table(IReadOnlyList<Row> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        var lengths = rows.Select(r => r.Length).Distinct().Order().ToList();
        var sb = new StringBuilder();
        sb.Append("| cell |").AppendJoin("", lengths.Select(t => $" T = {t} |")).Append('\n');
        sb.Append("|---|").AppendJoin("", lengths.Select(_ => "---:|")).Append('\n');
        foreach (var cell in rows.Select(r => r.Cell).Distinct())
        {
            sb.Append("| ").Append(cell).Append(" |");
            foreach (int t in lengths)
            {
                var r = rows.FirstOrDefault(x => x.Cell == cell && x.Length == t);
                sb.Append(r is null ? " - |" : string.Create(inv, $" {r.TestAccuracy * 100:F1} % |"));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
