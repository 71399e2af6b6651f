using System.Diagnostics;
using EdgeLstm.Core;
using EdgeLstm.Core.Model;
using EdgeLstm.Core.Quantization;
using EdgeLstm.Training.Data;
using EdgeLstm.Training.Evaluation;
using EdgeLstm.Training.Optimization;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `study variants`: every trainable cell on the same HAPT data with the same budget (layers,
/// hidden units, epochs, seed, no early stopping), quantized the same way, scored with the
/// windowed protocol of docs/evaluation.md, and costed: parameters, MACs per step, and the
/// integer engine's measured nanoseconds per step. Our small "LSTM: A Search Space Odyssey".
/// </summary>
internal static class VariantsStudy
{
    public sealed record Settings(IReadOnlyList<string> Cells, int Hidden, int Layers, int Epochs, int Seed, long TimedSteps);

    public sealed record Row(string Cell, double FloatAccuracy, double IntegerAccuracy, double IntegerMacroF1, long Parameters,
        double MacsPerStep, double NsPerStep, double TrainSeconds);

    /// <summary>The attention head (docs/attention.md) on the two cells a user would put it on; a row's name is CELL+attention.</summary>
    public static readonly IReadOnlyList<string> DefaultHeadVariants = ["lstm+attention", "gru+attention"];

    private const string AttentionSuffix = "+attention";

    /// <summary>The cell of a row name (CELL or CELL+attention).</summary>
    public static string CellOf(string variant) =>
        variant.EndsWith(AttentionSuffix, StringComparison.Ordinal) ? variant[..^AttentionSuffix.Length] : variant;

    public static List<Row> Run(Dataset train, Dataset test, Settings s, Action<Row> progress)
    {
        var windows = Windowing.WithinSegments(test.Recordings);
        var rows = new List<Row>();
        foreach (var cell in s.Cells)
        {
            var options = new TrainerOptions
            {
                Cell = CellOf(cell), Head = cell.EndsWith(AttentionSuffix, StringComparison.Ordinal) ? HeadKind.Attention : HeadKind.Last, Hidden = s.Hidden, Layers = s.Layers, Epochs = s.Epochs, Seed = s.Seed,
                Patience = 0, ValidationFraction = 0, // the same number of epochs for every cell; the last one is kept
            };
            var clock = Stopwatch.StartNew();
            var result = Trainer.Train(train, null, options);
            double seconds = clock.Elapsed.TotalSeconds;
            var calibration = CalibrationSequences.From(result.TrainingSet, options.Mode, options.Window, options.Hop);
            var model = QuantizeModel.WithIntegerForm(result.Model, calibration);
            var comparison = WindowedEvaluation.Run(model, windows, DataBinding.Create(model, test));
            var row = new Row(cell, comparison.Float!.Accuracy, comparison.Integer!.Accuracy, comparison.Integer.MacroF1,
                model.Float!.ParameterCount, model.Float.AverageMacsPerStep, NsPerStep(model, test, s.TimedSteps), seconds);
            rows.Add(row);
            progress(row);
        }
        return rows;
    }

    /// <summary>Median ns per step of the integer engine over real test samples (in-process, single thread).</summary>
    private static double NsPerStep(EdgeModel model, Dataset test, long steps)
    {
        var r = test.Recordings[0];
        var inputs = Enumerable.Range(0, Math.Min(r.Length, 4096)).Select(t => r.Row(t).ToArray()).ToArray();
        return StepBenchmark.Measure(model.CreateSession(EngineKind.Integer), inputs, steps, steps / 10).MedianNsPerStep;
    }
}
