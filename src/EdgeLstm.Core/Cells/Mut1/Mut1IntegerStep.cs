using EdgeLstm.Core.Cells.Mut;

namespace EdgeLstm.Core.Cells.Mut1;

/// <summary>
/// MUT1's integer step (<see cref="Mut1Cell"/>), a fixed sequence of the shared kernels (so the
/// scalar kernels are its reference and every vector family runs the same sequence; no fused form):
///   one product of W (z, r rows and the map block: acc = 127 · x_(j mod I), exact) and one of R's r rows;
///   z = σ(clamp(rqX(acc_z) + b_z)) (RequantAdd, Activate); r = GateActivate as GRU's;
///   r ⊙ h (GruResetHidden, rounded half toward +infinity) and R_h's product over it;
///   x̃ = clamp(rqX(acc_h), int16) in Q3.12 (the map rows' requantizer s_x / 127 · 2^12, rounded half
///   toward +infinity, saturated to ±8), then tanh(x̃) by the table, Q0.15;
///   pre = clamp(rqH(acc) + b_h, ±2^28), then pre = clamp(pre + ((tanh(x̃) + 4) >> 3), lo, hi): the
///   Q0.15 → Q3.12 step is the exact requantizer 2^-3 (<see cref="Q15ToQ12"/>, rounded half toward
///   +infinity) through PeepholeAdd with weight 1; candidate = tanh(pre) (Activate);
///   h = candidate + z ⊙ (h - candidate) (GruHidden).
/// </summary>
internal sealed unsafe class Mut1IntegerStep : IntegerCellStep
{
    /// <summary>Q0.15 to Q3.12: factor 2^-3 exactly (multiplier 2^14, shift 17): floor((v + 4) / 8).</summary>
    internal static readonly Requantizer Q15ToQ12 = new(1 << 14, 17);

    private readonly PreparedMatrix _w, _rReset, _rCandidate;
    private readonly int* _accX, _accReset, _accCandidate, _act, _pre, _inputQ12, _inputTanh, _zeros, _ones, _bias;
    private readonly short* _resetHidden;
    private readonly RequantConstants _q15ToQ12 = RequantConstants.From(Q15ToQ12);

    public Mut1IntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena, int* sigmoid, int* tanh)
        : base(layer, kernels, arena, sigmoid, tanh)
    {
        _w = Product(layer.W, out _accX);
        _rReset = Product(layer.R.SliceRows(_hs, _hs), out _accReset);
        _rCandidate = Product(layer.R.SliceRows(2 * _hs, _hs), out _accCandidate);
        _act = Ints(layer.Rows);
        _pre = Ints(_hs);
        _inputQ12 = Ints(_hs);
        _inputTanh = Ints(_hs);
        _zeros = Ints(_hs);
        _ones = Ints(_hs);
        new Span<int>(_ones, _hs).Fill(1);
        _bias = Copy(layer.Bias);
        _resetHidden = Shorts(HiddenLength); // zero-padded: the product reads column pairs
    }

    public override void Step(short* x)
    {
        int hs = _hs, wide = QFormats.PreWideLimit;
        int* z = _act, r = _act + hs, candidate = _act + 2 * hs;
        var rqX = _w.Requant;
        _k.MatVec(_w, x, _accX);
        _k.MatVec(_rReset, _h, _accReset);
        _k.RequantAdd(_accX, rqX, _bias, _lo, _hi, _pre, hs);
        _k.Activate(_sigmoid, _pre, z, hs);
        _k.GateActivate(_accX + hs, rqX.Skip(hs), _accReset, _rReset.Requant, _bias + hs, _lo, _hi, _sigmoid, r, hs);
        _k.GruResetHidden(r, _h, _resetHidden, hs);
        _k.MatVec(_rCandidate, _resetHidden, _accCandidate);
        _k.RequantAdd(_accX + 2 * hs, rqX.Skip(2 * hs), _zeros, short.MinValue, short.MaxValue, _inputQ12, hs);
        _k.Activate(_tanh, _inputQ12, _inputTanh, hs);
        _k.RequantAdd(_accCandidate, _rCandidate.Requant, _bias + 2 * hs, -wide, wide, _pre, hs);
        var c = _q15ToQ12;
        _k.PeepholeAdd(_pre, _ones, _inputTanh, c.Multiplier, c.RoundHigh, c.RoundLow, c.Shift, _lo, _hi, hs);
        _k.Activate(_tanh, _pre, candidate, hs);
        _k.GruHidden(z, candidate, _h, hs);
    }
}
