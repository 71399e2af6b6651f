using EdgeLstm.Core.Integer;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Core.Cells.Mut2;

/// <summary>
/// MUT2's integer step (<see cref="Mut2Cell"/>), a fixed sequence of the shared kernels (the scalar
/// kernels its reference, every vector family the same sequence; no fused form), the sequence of
/// GRU with linear_before_reset = 0: one product of W (its r block the map: acc = 127 · x_(j mod I),
/// exact, whose rows' requantizer s_x / 127 · 2^12 brings x into Q3.12 rounded half toward
/// +infinity) and one of R's z, r rows; z, r = GateActivate (the sum saturated to the clip or the
/// int16 range); r ⊙ h (GruResetHidden) and R_h's product over it; candidate = tanh(clamp(rqX(W_h x)
/// + rqH(R_h (r ⊙ h)) + b_h)) (GateActivate); h = candidate + z ⊙ (h - candidate) (GruHidden).
/// </summary>
internal sealed unsafe class Mut2IntegerStep : IntegerCellStep
{
    private readonly PreparedMatrix _w, _r, _rCandidate; // _r holds R's z, r rows; _rCandidate its h rows
    private readonly int* _accX, _accH, _accCandidate, _act, _bias;
    private readonly short* _resetHidden;

    public Mut2IntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena, int* sigmoid, int* tanh)
        : base(layer, kernels, arena, sigmoid, tanh)
    {
        _w = kernels.Prepare(layer.W, arena);
        _r = kernels.Prepare(layer.R.SliceRows(0, 2 * _hs), arena);
        _rCandidate = kernels.Prepare(layer.R.SliceRows(2 * _hs, _hs), arena);
        _accX = Ints(_w.RowsPadded);
        _accH = Ints(_r.RowsPadded);
        _accCandidate = Ints(_rCandidate.RowsPadded);
        _act = Ints(layer.Rows);
        _bias = Copy(layer.Bias);
        _resetHidden = Shorts(HiddenLength); // zero-padded: the product reads column pairs
    }

    public override void Step(short* x)
    {
        int hs = _hs;
        int* z = _act, r = _act + hs, candidate = _act + 2 * hs;
        _k.MatVec(_w, x, _accX);
        _k.MatVec(_r, _h, _accH);
        _k.GateActivate(_accX, _w.Requant, _accH, _r.Requant, _bias, _lo, _hi, _sigmoid, _act, 2 * hs);
        _k.GruResetHidden(r, _h, _resetHidden, hs);
        _k.MatVec(_rCandidate, _resetHidden, _accCandidate);
        _k.GateActivate(_accX + 2 * hs, _w.Requant.Skip(2 * hs), _accCandidate, _rCandidate.Requant, _bias + 2 * hs, _lo, _hi, _tanh, candidate, hs);
        _k.GruHidden(z, candidate, _h, hs);
    }
}
