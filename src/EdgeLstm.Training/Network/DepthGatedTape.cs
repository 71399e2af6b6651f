namespace EdgeLstm.Training.Network;

/// <summary>
/// A depth-gated LSTM layer's tape: the LSTM record plus the depth gate's activation (and clip
/// mask) per step, and the tape of the layer below, whose cell the gate reads going forward and
/// whose CellGrad it fills going backward.
/// </summary>
internal sealed class DepthGatedTape<T> : LayerTape<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public DepthGatedTape(int batch, int steps, int hidden, bool hasMask, LayerTape<T> lower)
        : base(batch, steps, hidden, gateWidth: 4 * hidden, hasCell: true, hasAux: true, hasMask: hasMask)
    {
        if (lower.Cell.Length == 0 || lower.Hidden != hidden)
            throw new ArgumentException("a depth-gated layer needs an LSTM or depth-gated layer of the same size below it", nameof(lower));
        Lower = lower;
        lower.EnableCellGrad();
        Depth = new T[batch * steps * hidden];
        DepthMask = hasMask ? new T[batch * steps * hidden] : [];
        Scratch = new T[hidden];
    }

    /// <summary>Backward scratch of the gate's pre-activation gradient (per tape: shards run in parallel on one layer).</summary>
    public T[] Scratch { get; }

    public LayerTape<T> Lower { get; }

    /// <summary>The depth gate d per step.</summary>
    public T[] Depth { get; }

    /// <summary>Clip derivative mask of the depth gate's pre-activation (empty without clip).</summary>
    public T[] DepthMask { get; }

    public Span<T> DepthAt(SequenceShape s, int t, int b) => Depth.AsSpan(s.Index(t, b) * Hidden, Hidden);
    public Span<T> DepthMaskAt(SequenceShape s, int t, int b) => DepthMask.AsSpan(s.Index(t, b) * Hidden, Hidden);
}
