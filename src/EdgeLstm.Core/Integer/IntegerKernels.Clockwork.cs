namespace EdgeLstm.Core.Integer;

internal abstract unsafe partial class IntegerKernels
{
    /// <summary>
    /// A Clockwork RNN step over a <see cref="ClockworkFusedLayer"/> (families that <see cref="Fuses"/>):
    /// for each due module, fastest first, one pass per block of units computes the input and
    /// recurrent products, GateActivate with tanh and the store into h, exactly as the
    /// per-module kernel calls do (<see cref="Cells.Clockwork.ClockworkIntegerStep"/>, the reference).
    /// </summary>
    public virtual void ClockworkStep(ClockworkFusedLayer f, ReadOnlySpan<int> modules, short* x, short* h) => throw new NotSupportedException();
}
