namespace EdgeLstm.Core.Cells.Mut3;

/// <summary>
/// MUT3's integer step (<see cref="Mut3Cell"/>), a fixed sequence of the shared kernels (the scalar
/// kernels its reference, every vector family the same sequence; no fused form): tanh(h) into an
/// int16 Q0.15 scratch vector (HiddenTanh: h to Q3.12 rounded half toward +infinity, then the tanh
/// table), one product of W, and R's z rows over tanh(h), its r rows over h; z, r = GateActivate (the
/// sum saturated to the clip or the int16 range); r ⊙ h (GruResetHidden) and R_h's product over it;
/// candidate = tanh(clamp(rqX(W_h x) + rqH(R_h (r ⊙ h)) + b_h)) (GateActivate);
/// h = candidate + z ⊙ (h - candidate) (GruHidden).
/// </summary>
internal sealed unsafe class Mut3IntegerStep : IntegerCellStep
{
    private readonly PreparedMatrix _w, _rUpdate, _rReset, _rCandidate;
    private readonly int* _accX, _accUpdate, _accReset, _accCandidate, _act, _bias;
    private readonly short* _tanhHidden, _resetHidden;

    public Mut3IntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena, int* sigmoid, int* tanh)
        : base(layer, kernels, arena, sigmoid, tanh)
    {
        _w = Product(layer.W, out _accX);
        _rUpdate = Product(layer.R.SliceRows(0, _hs), out _accUpdate);
        _rReset = Product(layer.R.SliceRows(_hs, _hs), out _accReset);
        _rCandidate = Product(layer.R.SliceRows(2 * _hs, _hs), out _accCandidate);
        _act = Ints(layer.Rows);
        _bias = Copy(layer.Bias);
        _tanhHidden = Shorts(HiddenLength);  // zero-padded: the products read column pairs
        _resetHidden = Shorts(HiddenLength);
    }

    public override void Step(short* x)
    {
        int hs = _hs;
        int* z = _act, r = _act + hs, candidate = _act + 2 * hs;
        var rqX = _w.Requant;
        _k.MatVec(_w, x, _accX);
        _k.HiddenTanh(_h, _tanh, _tanhHidden, hs);
        _k.MatVec(_rUpdate, _tanhHidden, _accUpdate);
        _k.MatVec(_rReset, _h, _accReset);
        _k.GateActivate(_accX, rqX, _accUpdate, _rUpdate.Requant, _bias, _lo, _hi, _sigmoid, z, hs);
        _k.GateActivate(_accX + hs, rqX.Skip(hs), _accReset, _rReset.Requant, _bias + hs, _lo, _hi, _sigmoid, r, hs);
        _k.GruResetHidden(r, _h, _resetHidden, hs);
        _k.MatVec(_rCandidate, _resetHidden, _accCandidate);
        _k.GateActivate(_accX + 2 * hs, rqX.Skip(2 * hs), _accCandidate, _rCandidate.Requant, _bias + 2 * hs, _lo, _hi, _tanh, candidate, hs);
        _k.GruHidden(z, candidate, _h, hs);
    }
}
