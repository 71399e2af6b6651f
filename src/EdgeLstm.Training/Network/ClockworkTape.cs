namespace EdgeLstm.Training.Network;

/// <summary>
/// A Clockwork RNN layer's tape: besides h, the clock of every step (steps since the sequence's
/// last reset, the t of "t mod T_i = 0"), and the clock carried into the next chunk so that a
/// streamed recording keeps the phase Core's session has from its step 0.
/// </summary>
internal sealed class ClockworkTape<T> : LayerTape<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public ClockworkTape(int batch, int steps, int hidden, bool hasMask)
        : base(batch, steps, hidden, gateWidth: hidden, hasCell: false, hasAux: false, hasMask: hasMask)
    {
        Clock = new long[batch * steps];
        Clock0 = new long[batch];
    }

    /// <summary>The clock of step (t, b): 0 on the step a sequence starts, then 1, 2, ...</summary>
    public long[] Clock { get; }

    /// <summary>The clock of step 0 of the next chunk, per sequence (carried state).</summary>
    public long[] Clock0 { get; }

    /// <summary>Sets and returns the clock of step t of sequence b.</summary>
    public long Tick(SequenceShape s, int t, int b)
    {
        long clock = s.StartsFresh(t, b) ? 0 : t == 0 ? Clock0[b] : Clock[s.Index(t - 1, b)] + 1;
        Clock[s.Index(t, b)] = clock;
        return clock;
    }

    public override void CarryState(SequenceShape s)
    {
        base.CarryState(s);
        for (int b = 0; b < s.Batch; b++) Clock0[b] = Clock[s.Index(s.Steps - 1, b)] + 1;
    }

    public override void ClearState()
    {
        base.ClearState();
        Array.Clear(Clock0);
    }
}
