namespace EdgeLstm.Core.Cells.Lstm;

/// <summary>
/// The LSTM's integer step (docs/numerics.md). Without peepholes, on a family that fuses
/// (<see cref="IntegerKernels.Fuses"/>), the fused step: per block of units the products, the gates
/// and the cell and hidden update in one pass (<see cref="FusedLayer"/>), h' written beside h and
/// swapped. Otherwise the scalar reference: i, o, f through sigmoid and g through tanh
/// (GateActivate), then LstmUpdate (LstmGatesUpdate: one pass in the scalar reference, two in the vector families); with peepholes, i and f get
/// rqP(p · c_prev) and o rqP(p · c_new), each gate clamped only after its peephole term. Both give
/// the same bits. Unfused, the step is the products then <see cref="Update"/>, which a
/// <see cref="BatchedIntegerSession"/> runs per lane after its batched products (docs/batching.md).
/// </summary>
internal sealed unsafe class LstmIntegerStep : FusableCellStep
{
    private readonly PreparedMatrix _w = null!, _r = null!;
    private readonly int* _accX, _accH, _pre, _act, _bias, _peep;
    private readonly RequantConstants[] _peepRequant = [];

    public LstmIntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena, int* sigmoid, int* tanh)
        : base(layer, kernels, arena, sigmoid, tanh)
    {
        if (kernels.Fuses && layer.Peepholes is null)
        {
            // The fused step keeps the weights only in its own layout.
            Fuse(new FusedLayer(layer, kernels.RowBlock, _lo, _hi, sigmoid, tanh, null, arena));
            return;
        }
        _w = Product(layer.W, out _accX);
        _r = Product(layer.R, out _accH);
        _pre = Ints(layer.Rows);
        _act = Ints(layer.Rows);
        _bias = Copy(layer.Bias);
        if (layer.Peepholes is null) return;
        _peep = Ints(3 * _hs);
        for (int k = 0; k < 3 * _hs; k++) _peep[k] = layer.Peepholes[k];
        _peepRequant = layer.PeepholeRequant!.Select(RequantConstants.From).ToArray();
    }

    private protected override void RunFused(FusedLayer fused, short* x, short* hNext) => _k.LstmFused(fused, x, _h, hNext, _cell);

    /// <summary>The scalar reference sequence of kernels (also what vector families run for peephole layers).</summary>
    private protected override void StepReference(short* x)
    {
        _k.MatVec(_w, x, _accX);
        _k.MatVec(_r, _h, _accH);
        Update(_accX, _accH, _h, _cell);
    }

    private protected override (PreparedMatrix W, PreparedMatrix R)? LaneMatrices => IsFused ? null : (_w, _r);

    private protected override void UpdateLane(int* accX, int* accH, short* h, int* cell) => Update(accX, accH, h, cell);

    /// <summary>The gates and the state update from the products' accumulators, into h and cell.</summary>
    private void Update(int* accX, int* accH, short* h, int* cell)
    {
        int hs = _hs;
        int* i = _act, o = _act + hs, f = _act + 2 * hs, g = _act + 3 * hs;
        bool coupled = _layer.InputForget;
        if (_layer.Peepholes is null)
        {
            _k.LstmGatesUpdate(accX, _w.Requant, accH, _r.Requant, _bias, _lo, _hi, _sigmoid, _tanh, cell, coupled, _layer.CellFracBits, h, hs, hs, _pre);
        }
        else
        {
            // i, o, f rows are clamped only after their peephole term is added.
            int wide = QFormats.PreWideLimit;
            _k.GatePre(accX, _w.Requant, accH, _r.Requant, _bias, -wide, wide, _pre, 3 * hs);
            _k.GatePre(accX + 3 * hs, _w.Requant.Skip(3 * hs), accH + 3 * hs, _r.Requant.Skip(3 * hs), _bias + 3 * hs, _lo, _hi, _pre + 3 * hs, hs);
            Peephole(Gates.PeepInput, _pre, _peep, cell);
            _k.Activate(_sigmoid, _pre, i, hs);
            if (!coupled)
            {
                Peephole(Gates.PeepForget, _pre + 2 * hs, _peep + 2 * hs, cell);
                _k.Activate(_sigmoid, _pre + 2 * hs, f, hs);
            }
            _k.Activate(_tanh, _pre + 3 * hs, g, hs);
            _k.LstmCell(i, f, g, cell, coupled, _layer.CellFracBits, hs);
            Peephole(Gates.PeepOutput, _pre + hs, _peep + hs, cell); // the output gate sees the new cell state
            _k.Activate(_sigmoid, _pre + hs, o, hs);
            _k.LstmHidden(o, cell, _layer.CellFracBits, _tanh, h, hs);
        }
    }

    private void Peephole(int gate, int* pre, int* peep, int* cell)
    {
        var c = _peepRequant[gate];
        _k.PeepholeAdd(pre, peep, cell, c.Multiplier, c.RoundHigh, c.RoundLow, c.Shift, _lo, _hi, _hs);
    }
}
