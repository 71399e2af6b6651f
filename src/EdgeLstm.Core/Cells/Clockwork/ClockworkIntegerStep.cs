namespace EdgeLstm.Core.Cells.Clockwork;

/// <summary>
/// The integer step of a Clockwork RNN layer (Koutník et al. 2014): only the modules due at this
/// step run (<see cref="ClockworkSchedule"/>), fastest first; each reads its own and slower
/// modules' previous state, which is still in place (see the float reference). Vector families
/// run the due modules in one fused call over a <see cref="ClockworkFusedLayer"/>; the scalar
/// family runs the reference: per module, its two matrix-vector products, GateActivate and
/// StoreHidden, the same kernels every other cell uses. Tests prove the two bit-identical.
/// </summary>
internal sealed unsafe class ClockworkIntegerStep : IntegerCellStep
{
    private readonly ClockworkSchedule _schedule;
    private readonly ClockworkFusedLayer? _fused;
    private readonly Module[] _modules = [];
    private readonly int* _accX, _accH, _act, _bias;

    /// <summary>One module of the reference path: its rows of W, and of R only the columns of modules at least as slow.</summary>
    private sealed record Module(int First, PreparedMatrix W, PreparedMatrix R);

    public ClockworkIntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena, int* sigmoid, int* tanh)
        : base(layer, kernels, arena, sigmoid, tanh)
    {
        _schedule = new ClockworkSchedule(layer.Periods!);
        if (kernels.Fuses)
        {
            _fused = new ClockworkFusedLayer(layer, kernels.RowBlock, _lo, _hi, tanh, arena);
            return;
        }
        int k = layer.ModuleSize, hs = layer.HiddenSize;
        _modules = [.. layer.Periods!.Select((_, m) => new Module(m * k,
            kernels.Prepare(layer.W.SliceRows(m * k, k), arena),
            kernels.Prepare(layer.R.SliceRows(m * k, k).SliceColumns(m * k, hs - m * k), arena)))];
        int rows = _modules[0].W.RowsPadded;
        _accX = arena.Allocate<int>(rows);
        _accH = arena.Allocate<int>(rows);
        _act = arena.Allocate<int>(rows);
        _bias = arena.Allocate<int>(hs);
        layer.Bias.CopyTo(new Span<int>(_bias, hs));
    }

    /// <summary>One step over h in place (h zero-padded by two units: column pairs may read one unit past the end).</summary>
    public override void Step(short* x)
    {
        short* h = _h;
        var due = _schedule.Next();
        if (_fused is not null)
        {
            _k.ClockworkStep(_fused, due, x, h);
            return;
        }
        foreach (int index in due)
        {
            var m = _modules[index];
            int k = m.W.Rows;
            _k.MatVec(m.W, x, _accX);
            _k.MatVec(m.R, h + m.First, _accH);
            _k.GateActivate(_accX, m.W.Requant, _accH, m.R.Requant, _bias + m.First, _lo, _hi, _tanh, _act, k);
            _k.StoreHidden(_act, h + m.First, k);
        }
    }

    /// <summary>Zero state, and the clock restarts: the next step is step 0, where every module is due.</summary>
    public override void Reset()
    {
        base.Reset();
        _schedule.Reset();
    }
}
