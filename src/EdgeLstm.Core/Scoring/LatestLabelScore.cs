namespace EdgeLstm.Core.Scoring;

/// <summary>
/// The streaming protocol's scoring rule (docs/evaluation.md), kept in Core so that the
/// daemon's replay and `edgelstm eval` score alike: a sample's prediction is the label most
/// recently emitted at or before it (within the same recording); only samples whose true class
/// is scored count; a scored sample before the recording's first emission has no prediction
/// and counts as wrong. Feed samples in time order; call <see cref="StartRecording"/> between recordings.
/// </summary>
public sealed class LatestLabelScore
{
    /// <summary>Truth of a sample that is not scored (unlabelled, a transition, a class the model lacks).</summary>
    public const int NotScored = -1;

    /// <summary>No label emitted yet in this recording.</summary>
    public const int NoLabel = -1;

    private int _current = NoLabel;

    public LatestLabelScore(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        Classes = classes;
        Counts = new long[classes * classes];
        Unpredicted = new long[classes];
    }

    public int Classes { get; }

    /// <summary>Confusion counts, row = true class, column = predicted class: Counts[truth * Classes + predicted].</summary>
    public long[] Counts { get; }

    /// <summary>Scored samples per true class that came before any emission.</summary>
    public long[] Unpredicted { get; }

    public long Scored { get; private set; }
    public long Correct { get; private set; }
    public double Accuracy => Scored == 0 ? 0 : (double)Correct / Scored;

    /// <summary>Forgets the last emitted label: predictions never carry from one recording into the next.</summary>
    public void StartRecording() => _current = NoLabel;

    /// <summary>
    /// One sample: its true class (or <see cref="NotScored"/>) and the label emitted at this
    /// sample (or <see cref="NoLabel"/> when nothing was emitted here).
    /// </summary>
    public void Sample(int truth, int emitted)
    {
        if (emitted != NoLabel) _current = emitted;
        if (truth == NotScored) return;
        Scored++;
        if (_current == NoLabel)
        {
            Unpredicted[truth]++;
            return;
        }
        Counts[truth * Classes + _current]++;
        if (_current == truth) Correct++;
    }
}
