namespace EdgeLstm.Core.Cells.Gru;

/// <summary>
/// The GRU's integer step (docs/numerics.md). With linear_before_reset = 1, on a family that fuses
/// (<see cref="IntegerKernels.Fuses"/>), the fused step over a <see cref="FusedLayer"/> (h' beside
/// h, swapped). Otherwise the scalar reference: z and r through GateActivate; the candidate as
/// tanh(rqX(Wh x) + bias + r ⊙ (rqH(Rh h) + Rbh)) (linear_before_reset = 1, GruCandidateAndHidden)
/// or tanh(rqX(Wh x) + rqH(Rh (r ⊙ h)) + bias) then GruHidden (0). Both give the same bits.
/// Unfused, a <see cref="BatchedIntegerSession"/> runs the same pieces over many lanes
/// (<see cref="StepLanes"/>, docs/batching.md).
/// </summary>
internal sealed unsafe class GruIntegerStep : FusableCellStep
{
    private readonly PreparedMatrix _w = null!, _r = null!, _rCandidate = null!; // _r holds the z, r rows; _rCandidate the h rows
    private readonly int* _accX, _accH, _accCandidate, _act, _bias, _candidateBias;
    private readonly short* _resetHidden;
    private int** _laneCandidate, _laneAct; // the batched step's candidate accumulators and gates, one buffer per lane
    private short** _laneReset;

    private readonly bool _lbr;

    /// <param name="linearBeforeReset">Overrides the layer's flag (MUT2 runs as linear_before_reset = 0 whatever its layer says).</param>
    public GruIntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena, int* sigmoid, int* tanh, bool? linearBeforeReset = null)
        : base(layer, kernels, arena, sigmoid, tanh)
    {
        _lbr = linearBeforeReset ?? layer.LinearBeforeReset;
        if (kernels.Fuses && _lbr)
        {
            // The fused step keeps the weights only in its own layout; Rbh rides in the candidate gate's constants.
            Fuse(new FusedLayer(layer, kernels.RowBlock, _lo, _hi, sigmoid, tanh, layer.CandidateRecurrentBias, arena));
            return;
        }
        _w = Product(layer.W, out _accX);
        _r = Product(layer.R.SliceRows(0, 2 * _hs), out _accH);
        _rCandidate = Product(layer.R.SliceRows(2 * _hs, _hs), out _accCandidate);
        _act = Ints(layer.Rows);
        _bias = Copy(layer.Bias);
        if (_lbr) _candidateBias = Copy(layer.CandidateRecurrentBias!);
        else _resetHidden = Shorts(HiddenLength); // zero-padded: the product reads column pairs
    }

    private protected override void RunFused(FusedLayer fused, short* x, short* hNext) => _k.GruFused(fused, x, _h, hNext);

    /// <summary>The scalar reference sequence of kernels (also what vector families run with linear_before_reset = 0).</summary>
    private protected override void StepReference(short* x)
    {
        _k.MatVec(_w, x, _accX);
        _k.MatVec(_r, _h, _accH);
        Gates(_accX, _accH, _act);
        if (_lbr)
        {
            _k.MatVec(_rCandidate, _h, _accCandidate);
            CandidateAfterReset(_accX, _accCandidate, _act, _h);
        }
        else
        {
            ResetHidden(_act, _h, _resetHidden);
            _k.MatVec(_rCandidate, _resetHidden, _accCandidate);
            CandidateBeforeReset(_accX, _accCandidate, _act, _h);
        }
    }

    private protected override (PreparedMatrix W, PreparedMatrix R)? LaneMatrices => IsFused ? null : (_w, _r);

    public override void PrepareLanes(int capacity)
    {
        base.PrepareLanes(capacity);
        _laneCandidate = _arena.Table<int>(capacity, _rCandidate.RowsPadded);
        _laneAct = _arena.Table<int>(capacity, _layer.Rows);
        if (!_lbr) _laneReset = _arena.Table<short>(capacity, _hs);
    }

    /// <summary>
    /// The batched step. linear_before_reset = 1: the three products for every lane, then each lane's
    /// update. 0: the candidate's recurrent product reads r ⊙ h, so it is a second phase after every
    /// lane's z and r.
    /// </summary>
    public override void StepLanes(int count, short** x, short** h, int** cell)
    {
        RunLaneProducts(count, x, h);
        for (int j = 0; j < count; j++) Gates(LaneX[j], LaneH[j], _laneAct[j]);
        if (_lbr)
        {
            _k.MatMat(_rCandidate, h, _laneCandidate, count);
            for (int j = 0; j < count; j++) CandidateAfterReset(LaneX[j], _laneCandidate[j], _laneAct[j], h[j]);
            return;
        }
        for (int j = 0; j < count; j++) ResetHidden(_laneAct[j], h[j], _laneReset[j]);
        _k.MatMat(_rCandidate, _laneReset, _laneCandidate, count);
        for (int j = 0; j < count; j++) CandidateBeforeReset(LaneX[j], _laneCandidate[j], _laneAct[j], h[j]);
    }

    /// <summary>z and r into act[0, 2H).</summary>
    private void Gates(int* accX, int* accH, int* act) =>
        _k.GateActivate(accX, _w.Requant, accH, _r.Requant, _bias, _lo, _hi, _sigmoid, act, 2 * _hs);

    /// <summary>linear_before_reset = 1: candidate = tanh(Wh x + Wbh + r ⊙ (Rh h + Rbh)), then h; the recurrent part is held to ±16 so r ⊙ it fits int32.</summary>
    private void CandidateAfterReset(int* accX, int* accCandidate, int* act, short* h) =>
        _k.GruCandidateAndHidden(accX + 2 * _hs, _w.Requant.Skip(2 * _hs), _bias + 2 * _hs, accCandidate, _rCandidate.Requant, _candidateBias,
            act, act + _hs, _lo, _hi, _tanh, h, _hs);

    /// <summary>linear_before_reset = 0: r ⊙ h, the input of the candidate's recurrent product.</summary>
    private void ResetHidden(int* act, short* h, short* resetHidden) => _k.GruResetHidden(act + _hs, h, resetHidden, _hs);

    /// <summary>linear_before_reset = 0: candidate = tanh(Wh x + Rh (r ⊙ h) + Wbh + Rbh), then h.</summary>
    private void CandidateBeforeReset(int* accX, int* accCandidate, int* act, short* h)
    {
        int* candidate = act + 2 * _hs;
        _k.GateActivate(accX + 2 * _hs, _w.Requant.Skip(2 * _hs), accCandidate, _rCandidate.Requant, _bias + 2 * _hs, _lo, _hi, _tanh, candidate, _hs);
        _k.GruHidden(act, candidate, h, _hs);
    }
}
