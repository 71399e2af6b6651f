using EdgeLstm.Core.Scoring;

namespace EdgeLstm.Training.Evaluation;

/// <summary>
/// Counts of (true class, predicted class), plus scored items that got no prediction at all
/// (streaming: samples before the first emission), and the metrics derived from them.
/// Precision of a class is 0 when it was never predicted; macro-F1 averages F1 over the
/// classes that occur as truth or prediction (as scikit-learn does over the labels present).
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    public ConfusionMatrix(IReadOnlyList<string> classNames)
    {
        ArgumentOutOfRangeException.ThrowIfZero(classNames.Count);
        ClassNames = classNames;
        _counts = new long[classNames.Count * classNames.Count];
        Unpredicted = new long[classNames.Count];
    }

    public static ConfusionMatrix From(LatestLabelScore score, IReadOnlyList<string> classNames)
    {
        if (score.Classes != classNames.Count) throw new ArgumentException($"{score.Classes} classes scored, {classNames.Count} names given", nameof(classNames));
        var m = new ConfusionMatrix(classNames);
        score.Counts.CopyTo(m._counts, 0);
        score.Unpredicted.CopyTo(m.Unpredicted, 0);
        return m;
    }

    public IReadOnlyList<string> ClassNames { get; }
    public int Classes => ClassNames.Count;

    /// <summary>Scored items per true class that got no prediction.</summary>
    public long[] Unpredicted { get; }

    public long this[int truth, int predicted] => _counts[truth * Classes + predicted];

    /// <summary>Counts one item; <paramref name="predicted"/> = -1 means it got no prediction.</summary>
    public void Add(int truth, int predicted)
    {
        if (predicted < 0) Unpredicted[truth]++;
        else _counts[truth * Classes + predicted]++;
    }

    public long Total => _counts.Sum() + Unpredicted.Sum();
    public long Correct => Enumerable.Range(0, Classes).Sum(k => this[k, k]);
    public double Accuracy => Ratio(Correct, Total);

    /// <summary>Items whose true class is k (its support), including unpredicted ones.</summary>
    public long Support(int k) => Enumerable.Range(0, Classes).Sum(p => this[k, p]) + Unpredicted[k];

    public long PredictedCount(int k) => Enumerable.Range(0, Classes).Sum(t => this[t, k]);

    public double Precision(int k) => Ratio(this[k, k], PredictedCount(k));
    public double Recall(int k) => Ratio(this[k, k], Support(k));

    public double F1(int k)
    {
        double p = Precision(k), r = Recall(k);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double MacroF1
    {
        get
        {
            var present = Enumerable.Range(0, Classes).Where(k => Support(k) > 0 || PredictedCount(k) > 0).ToList();
            return present.Count == 0 ? 0 : present.Average(F1);
        }
    }

    private static double Ratio(long a, long b) => b == 0 ? 0 : (double)a / b;
}
