namespace EdgeLstm.Training.Evaluation;

/// <summary>
/// One protocol's results for both engines side by side: a confusion matrix per engine (null
/// when the model lacks that engine's form) and how often their decisions agreed over the
/// scored items both engines had a decision for.
/// </summary>
public sealed record EngineComparison(string Protocol, ConfusionMatrix? Float, ConfusionMatrix? Integer, long Compared, long Agreed)
{
    public double Agreement => Compared == 0 ? 0 : (double)Agreed / Compared;
}
