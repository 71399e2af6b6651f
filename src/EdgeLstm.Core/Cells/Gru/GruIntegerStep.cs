using EdgeLstm.Core.Integer;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Core.Cells.Gru;

/// <summary>
/// The GRU's integer step (docs/numerics.md). With linear_before_reset = 1, on a family that fuses
/// (<see cref="IntegerKernels.Fuses"/>), the fused step over a <see cref="FusedLayer"/> (h' beside
/// h, swapped). Otherwise the scalar reference: z and r through GateActivate; the candidate as
/// tanh(rqX(Wh x) + bias + r ⊙ (rqH(Rh h) + Rbh)) (linear_before_reset = 1, GruCandidateAndHidden)
/// or tanh(rqX(Wh x) + rqH(Rh (r ⊙ h)) + bias) then GruHidden (0). Both give the same bits.
/// </summary>
internal sealed unsafe class GruIntegerStep : IntegerCellStep
{
    private readonly FusedLayer? _fused;
    private short* _hNext; // the fused step writes h' here and swaps
    private readonly PreparedMatrix _w = null!, _r = null!, _rCandidate = null!; // _r holds the z, r rows; _rCandidate the h rows
    private readonly int* _accX, _accH, _accCandidate, _act, _bias, _candidateBias;
    private readonly short* _resetHidden;

    public GruIntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena, int* sigmoid, int* tanh)
        : base(layer, kernels, arena, sigmoid, tanh)
    {
        if (kernels.Fuses && layer.LinearBeforeReset)
        {
            // The fused step keeps the weights only in its own layout; Rbh rides in the candidate gate's constants.
            _fused = new FusedLayer(layer, kernels.RowBlock, _lo, _hi, sigmoid, tanh, layer.CandidateRecurrentBias, arena);
            _hNext = Shorts(HiddenLength);
            return;
        }
        _w = kernels.Prepare(layer.W, arena);
        _r = kernels.Prepare(layer.R.SliceRows(0, 2 * _hs), arena);
        _rCandidate = kernels.Prepare(layer.R.SliceRows(2 * _hs, _hs), arena);
        _accX = Ints(_w.RowsPadded);
        _accH = Ints(_r.RowsPadded);
        _accCandidate = Ints(_rCandidate.RowsPadded);
        _act = Ints(layer.Rows);
        _bias = Copy(layer.Bias);
        if (layer.LinearBeforeReset) _candidateBias = Copy(layer.CandidateRecurrentBias!);
        else _resetHidden = Shorts(_hs);
    }

    public override void Step(short* x)
    {
        if (_fused is not null) StepFused(x);
        else StepReference(x);
    }

    /// <summary>The fused vector step: h' to the spare buffer, then the buffers swap.</summary>
    private void StepFused(short* x)
    {
        _k.GruFused(_fused!, x, _h, _hNext);
        short* previous = _h;
        _h = _hNext;
        _hNext = previous;
    }

    /// <summary>The scalar reference sequence of kernels (also what vector families run with linear_before_reset = 0).</summary>
    private void StepReference(short* x)
    {
        int hs = _hs;
        int* z = _act, r = _act + hs, candidate = _act + 2 * hs;
        _k.MatVec(_w, x, _accX);
        _k.MatVec(_r, _h, _accH);
        _k.GateActivate(_accX, _w.Requant, _accH, _r.Requant, _bias, _lo, _hi, _sigmoid, _act, 2 * hs);
        var rqX = _w.Requant.Skip(2 * hs);
        if (_layer.LinearBeforeReset)
        {
            // candidate = tanh(Wh x + Wbh + r ⊙ (Rh h + Rbh)); the recurrent part is held to ±16 so r ⊙ it fits int32.
            _k.MatVec(_rCandidate, _h, _accCandidate);
            _k.GruCandidateAndHidden(_accX + 2 * hs, rqX, _bias + 2 * hs, _accCandidate, _rCandidate.Requant, _candidateBias,
                z, r, _lo, _hi, _tanh, _h, hs);
        }
        else
        {
            // candidate = tanh(Wh x + Rh (r ⊙ h) + Wbh + Rbh)
            _k.GruResetHidden(r, _h, _resetHidden, hs);
            _k.MatVec(_rCandidate, _resetHidden, _accCandidate);
            _k.GateActivate(_accX + 2 * hs, rqX, _accCandidate, _rCandidate.Requant, _bias + 2 * hs, _lo, _hi, _tanh, candidate, hs);
            _k.GruHidden(z, candidate, _h, hs);
        }
    }
}
