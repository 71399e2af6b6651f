using EdgeLstm.Training.Studies;

namespace EdgeLstm.Training.Tests.Training;

/// <summary>
/// The long-term dependency effect at CI size (docs/long-term-dependencies.md has the full
/// table): recalling the first of T = 50 symbols, with one small training budget, the Elman
/// RNN stays near chance while the gated cells remember.
/// </summary>
public class TrainingLongTermDependencyTests
{
    [Fact]
    public void Gated_cells_recall_the_first_symbol_where_the_elman_rnn_cannot()
    {
        var settings = new LongTermDependencyStudy.Settings(["rnn", "lstm:chrono", "gru:chrono"], [50],
            Hidden: 16, TrainSequences: 400, TestSequences: 150, Epochs: 5);
        var rows = LongTermDependencyStudy.Run(settings).ToDictionary(r => r.Cell);
        Assert.True(rows["rnn"].TestAccuracy < 0.5, $"rnn {rows["rnn"].TestAccuracy:P1}");
        Assert.True(rows["lstm:chrono"].TestAccuracy > 0.9, $"lstm {rows["lstm:chrono"].TestAccuracy:P1}");
        Assert.True(rows["gru:chrono"].TestAccuracy > 0.9, $"gru {rows["gru:chrono"].TestAccuracy:P1}");
    }

    [Fact]
    public void The_task_needs_memory_of_the_first_step_only()
    {
        var data = FirstSymbolRecall.Create(50, 20, seed: 3);
        foreach (var r in data.Recordings)
        {
            int first = r.Labels[0];
            Assert.Equal(1f, r.Row(0)[first]);
            Assert.Equal(1f, r.Row(0)[FirstSymbolRecall.Symbols]);
            Assert.All(r.Labels, y => Assert.Equal(first, y));
            for (int t = 1; t < r.Length; t++) Assert.Equal(0f, r.Row(t)[FirstSymbolRecall.Symbols]);
        }
        // Distractors are uniform: the last input says nothing about the class.
        Assert.InRange(data.Recordings.Count(r => r.Row(19)[r.Labels[0]] == 1f), 3, 25);
    }
}
