using EdgeLstm.Core.Scoring;
using EdgeLstm.Training.Evaluation;

namespace EdgeLstm.Training.Tests;

public class EvaluationMetricsTests
{
    [Fact]
    public void Metrics_of_a_known_confusion_matrix()
    {
        // rows true, columns predicted:
        //        a  b  c
        //   a    5  1  0
        //   b    2  3  1
        //   c    0  0  4
        var m = new ConfusionMatrix(["a", "b", "c"]);
        Add(m, 0, 0, 5); Add(m, 0, 1, 1);
        Add(m, 1, 0, 2); Add(m, 1, 1, 3); Add(m, 1, 2, 1);
        Add(m, 2, 2, 4);
        Assert.Equal(16, m.Total);
        Assert.Equal(12, m.Correct);
        Assert.Equal(0.75, m.Accuracy, 12);
        Assert.Equal(5.0 / 7, m.Precision(0), 12);
        Assert.Equal(5.0 / 6, m.Recall(0), 12);
        Assert.Equal(3.0 / 4, m.Precision(1), 12);
        Assert.Equal(3.0 / 6, m.Recall(1), 12);
        Assert.Equal(4.0 / 5, m.Precision(2), 12);
        Assert.Equal(1.0, m.Recall(2), 12);
        double f1a = 2 * (5.0 / 7) * (5.0 / 6) / (5.0 / 7 + 5.0 / 6);
        double f1b = 2 * 0.75 * 0.5 / 1.25;
        double f1c = 2 * 0.8 / 1.8;
        Assert.Equal((f1a + f1b + f1c) / 3, m.MacroF1, 12);
    }

    [Fact]
    public void Absent_classes_do_not_count_in_macro_F1_and_missing_predictions_lower_recall()
    {
        var m = new ConfusionMatrix(["a", "b", "c"]);
        Add(m, 0, 0, 3);
        Add(m, 0, -1, 1);
        Assert.Equal(4, m.Total);
        Assert.Equal(0.75, m.Accuracy, 12);
        Assert.Equal(1.0, m.Precision(0), 12);
        Assert.Equal(0.75, m.Recall(0), 12);
        Assert.Equal(0.0, m.Precision(1));
        Assert.Equal(2 * 0.75 / 1.75, m.MacroF1, 12);
    }

    [Fact]
    public void The_streaming_rule_scores_the_latest_emitted_label()
    {
        const int n = LatestLabelScore.NotScored, none = LatestLabelScore.NoLabel;
        var score = new LatestLabelScore(2);
        int[] truth = [0, 0, 0, n, 1, 1, 1];
        int[] emitted = [none, 0, none, 1, none, 0, none];
        for (int t = 0; t < truth.Length; t++) score.Sample(truth[t], emitted[t]);
        // t0 unpredicted; t1,t2 predicted 0 (right); t3 not scored; t4 predicted 1 (right); t5,t6 predicted 0 (wrong).
        Assert.Equal(6, score.Scored);
        Assert.Equal(3, score.Correct);
        Assert.Equal([1L, 0L], score.Unpredicted);
        Assert.Equal([2L, 0L, 2L, 1L], score.Counts);
        score.StartRecording();
        score.Sample(1, none);
        Assert.Equal(1, score.Unpredicted[1]);
        var m = ConfusionMatrix.From(score, ["x", "y"]);
        Assert.Equal(7, m.Total);
        Assert.Equal(3.0 / 7, m.Accuracy, 12);
    }

    private static void Add(ConfusionMatrix m, int truth, int predicted, int times)
    {
        for (int i = 0; i < times; i++) m.Add(truth, predicted);
    }
}
