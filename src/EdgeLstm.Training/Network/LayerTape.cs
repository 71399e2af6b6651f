namespace EdgeLstm.Training.Network;

/// <summary>
/// What one recurrent layer records while running a shard's chunk forward, for the backward
/// pass, plus the state it carries into the next chunk. Buffers are allocated once for the
/// largest chunk and reused; layouts are time-major ((t * batch + b) * width + k).
/// Layer kinds that need more (a Clockwork RNN's clock, a depth gate's lower cell) subclass it.
/// </summary>
internal class LayerTape<T>(int batch, int steps, int hidden, int gateWidth, bool hasCell, bool hasAux, bool hasMask)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public int Hidden { get; } = hidden;
    public int GateWidth { get; } = gateWidth;

    /// <summary>h at every step: the next layer's input.</summary>
    public T[] Output { get; } = new T[batch * steps * hidden];

    /// <summary>dLoss/dh arriving from above (the head or the next layer), per step.</summary>
    public T[] OutputGrad { get; } = new T[batch * steps * hidden];

    /// <summary>Gate activations per step, in the cell's ONNX gate order.</summary>
    public T[] Gates { get; } = new T[batch * steps * gateWidth];

    /// <summary>LSTM cell state per step.</summary>
    public T[] Cell { get; } = hasCell ? new T[batch * steps * hidden] : [];

    /// <summary>A per-step H-vector some cells need again (GRU: R_h h + Rb_h, or r ⊙ h).</summary>
    public T[] Aux { get; } = hasAux ? new T[batch * steps * hidden] : [];

    /// <summary>Derivative masks of the ONNX clip (empty when the layer has no clip).</summary>
    public T[] Mask { get; } = hasMask ? new T[batch * steps * gateWidth] : [];

    /// <summary>State before step 0 of the chunk: carried from the previous chunk in streaming mode.</summary>
    public T[] H0 { get; } = new T[batch * hidden];
    public T[] C0 { get; } = hasCell ? new T[batch * hidden] : [];

    /// <summary>Backward scratch: the gradient flowing into step t-1's state.</summary>
    public T[] DhNext { get; } = new T[batch * hidden];
    public T[] DcNext { get; } = hasCell ? new T[batch * hidden] : [];

    private T[] Zero { get; } = new T[hidden];

    /// <summary>
    /// dLoss/dc per step arriving from a depth-gated layer above (which reads this layer's cell);
    /// empty unless such a layer asked for it with <see cref="EnableCellGrad"/>.
    /// </summary>
    public T[] CellGrad { get; private set; } = [];

    public void EnableCellGrad()
    {
        if (CellGrad.Length == 0) CellGrad = new T[Cell.Length];
    }

    public Span<T> CellGradAt(SequenceShape s, int t, int b) => CellGrad.AsSpan(s.Index(t, b) * Hidden, Hidden);

    public Span<T> OutputAt(SequenceShape s, int t, int b) => Output.AsSpan(s.Index(t, b) * Hidden, Hidden);
    public Span<T> CellAt(SequenceShape s, int t, int b) => Cell.AsSpan(s.Index(t, b) * Hidden, Hidden);
    public Span<T> AuxAt(SequenceShape s, int t, int b) => Aux.AsSpan(s.Index(t, b) * Hidden, Hidden);
    public Span<T> GatesAt(SequenceShape s, int t, int b) => Gates.AsSpan(s.Index(t, b) * GateWidth, GateWidth);
    public Span<T> MaskAt(SequenceShape s, int t, int b) => Mask.AsSpan(s.Index(t, b) * GateWidth, GateWidth);
    public Span<T> OutputGradAt(SequenceShape s, int t, int b) => OutputGrad.AsSpan(s.Index(t, b) * Hidden, Hidden);

    /// <summary>h entering step t of sequence b: zero after a reset, the carried state at t = 0, else h[t-1].</summary>
    public ReadOnlySpan<T> PreviousHidden(SequenceShape s, int t, int b) =>
        s.StartsFresh(t, b) ? Zero : t == 0 ? H0.AsSpan(b * Hidden, Hidden) : OutputAt(s, t - 1, b);

    public ReadOnlySpan<T> PreviousCell(SequenceShape s, int t, int b) =>
        s.StartsFresh(t, b) ? Zero : t == 0 ? C0.AsSpan(b * Hidden, Hidden) : CellAt(s, t - 1, b);

    /// <summary>Streaming: the chunk's final state becomes the next chunk's initial state.</summary>
    public virtual void CarryState(SequenceShape s)
    {
        int last = s.Steps - 1;
        for (int b = 0; b < s.Batch; b++)
        {
            OutputAt(s, last, b).CopyTo(H0.AsSpan(b * Hidden, Hidden));
            if (Cell.Length > 0) CellAt(s, last, b).CopyTo(C0.AsSpan(b * Hidden, Hidden));
        }
    }

    /// <summary>Forgets carried state (a new epoch of streaming lanes).</summary>
    public virtual void ClearState()
    {
        Array.Clear(H0);
        Array.Clear(C0);
    }
}
