using EdgeLstm.Core.Model;
using EdgeLstm.Core.Numerics;
using EdgeLstm.Core.Quantized;

namespace EdgeLstm.Core.Integer;

/// <summary>
/// The integer step of one recurrent layer: prepared weights, state (h in Q15, c in its Q format)
/// and scratch, all allocated and pinned once. Step is a fixed sequence of kernel calls per cell
/// kind; it allocates nothing and touches no float.
/// </summary>
internal sealed unsafe class IntegerLayerRunner
{
    private readonly QuantizedRecurrentLayer _layer;
    private readonly IntegerKernels _k;
    private readonly PreparedMatrix _w, _r, _rCandidate; // GRU: _r holds the z,r rows; _rCandidate the h rows
    private readonly int* _accX, _accH, _accCandidate, _pre, _act, _bias, _candidateBias, _peep, _cell;
    private readonly short* _resetHidden;
    private short* _h, _hNext; // the fused step writes h' beside h and swaps
    private readonly FusedLayer? _fused;
    private readonly int _lo, _hi, _hs;
    private readonly RequantConstants[] _peepRequant;
    private readonly int* _sigmoid, _tanh;
    private readonly PinnedArena _arena;
    private readonly IntegerClockwork? _clockwork;

    private readonly int* _lowerCell, _depthBias, _depthPeep, _depthPre, _depth; // depth-gated only
    private readonly RequantConstants[] _depthRequant = [];
    private readonly DepthCellFormat _depthCell;

    public IntegerLayerRunner(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena, int* sigmoid, int* tanh,
        IntegerLayerRunner? lower = null)
    {
        _arena = arena;
        _layer = layer;
        _k = kernels;
        _hs = layer.HiddenSize;
        _sigmoid = sigmoid;
        _tanh = tanh;
        bool gru = layer.Kind == CellKind.Gru, clockwork = layer.Kind == CellKind.Clockwork;
        (_lo, _hi) = layer.ClipQ12 > 0 ? (-layer.ClipQ12, layer.ClipQ12) : (short.MinValue, (int)short.MaxValue);
        // Covered layers run fused and keep their weights only in its layout (the unfused matrices stay one row).
        if (kernels.Fuses && FusedLayer.Covers(layer)) _fused = new FusedLayer(layer, kernels.RowBlock, _lo, _hi, sigmoid, tanh, arena);
        bool unfused = _fused is null;
        // Clockwork prepares its weights per module (IntegerClockwork); the whole-layer matrices stay one row.
        // Depth-gated: the depth gate's rows ride below W's, so one product serves all five gates.
        _w = kernels.Prepare(clockwork || !unfused ? layer.W.SliceRows(0, 1) : layer.DepthW is { } dw ? Stack(layer.W, dw) : layer.W, arena);
        _r = kernels.Prepare(gru && unfused ? layer.R.SliceRows(0, 2 * _hs) : clockwork || !unfused ? layer.R.SliceRows(0, 1) : layer.R, arena);
        _rCandidate = kernels.Prepare(gru && unfused ? layer.R.SliceRows(2 * _hs, _hs) : layer.R.SliceRows(0, 1), arena);
        _accX = Ints(_w.RowsPadded);
        _accH = Ints(_r.RowsPadded);
        _accCandidate = Ints(_rCandidate.RowsPadded);
        _pre = Ints(layer.Rows);
        _act = Ints(layer.Rows);
        _bias = Ints(layer.Rows);
        new ReadOnlySpan<int>(layer.Bias).CopyTo(new Span<int>(_bias, layer.Rows));
        _candidateBias = Ints(_hs);
        if (layer.CandidateRecurrentBias is not null) layer.CandidateRecurrentBias.CopyTo(new Span<int>(_candidateBias, _hs));
        _peep = Ints(3 * _hs);
        if (layer.Peepholes is not null)
            for (int k = 0; k < 3 * _hs; k++) _peep[k] = layer.Peepholes[k];
        _peepRequant = layer.PeepholeRequant?.Select(RequantConstants.From).ToArray() ?? [];
        // The fused step writes whole unit blocks (padded units stay 0).
        int padded = (_hs + kernels.RowBlock - 1) / kernels.RowBlock * kernels.RowBlock;
        _cell = Ints(padded);
        // Two spare zeros: column pairs may read one unit past the end (odd sizes, Clockwork module offsets).
        _h = Shorts(Math.Max(_hs + 2, padded));
        _hNext = unfused ? null : Shorts(Math.Max(_hs + 2, padded));
        _resetHidden = Shorts(_hs);
        if (layer.DepthW is not null)
        {
            _lowerCell = lower!._cell;
            _depthBias = Ints(_hs);
            layer.DepthBias.CopyTo(new Span<int>(_depthBias, _hs));
            _depthPeep = Ints(2 * _hs);
            for (int k = 0; k < 2 * _hs; k++) _depthPeep[k] = layer.DepthPeepholes![k];
            _depthRequant = layer.DepthRequant!.Select(RequantConstants.From).ToArray();
            _depthPre = Ints(_hs);
            _depth = Ints(_hs);
            _depthCell = new DepthCellFormat(layer.CellFracBits, layer.LowerCellFracBits);
        }
        if (clockwork) _clockwork = new IntegerClockwork(layer, kernels, _lo, _hi, tanh, arena);
    }

    private static QuantizedMatrix Stack(QuantizedMatrix top, QuantizedMatrix bottom) => new(
        top.Rows + bottom.Rows, top.Cols, [.. top.Values, .. bottom.Values], [.. top.Scales, .. bottom.Scales], [.. top.Requant, .. bottom.Requant]);

    /// <summary>Hidden state, Q15, zero-padded to an even length (the next layer's input).</summary>
    public short* Hidden => _h;
    public ReadOnlySpan<short> HiddenSpan => new(_h, _hs);
    public ReadOnlySpan<int> CellSpan => new(_cell, _hs);
    public int CellFracBits => _layer.CellFracBits;

    public void Reset()
    {
        new Span<short>(_h, _hs).Clear();
        new Span<int>(_cell, _hs).Clear();
        _clockwork?.Reset();
    }

    /// <summary>
    /// Starts from a given real-valued state (ONNX initial_h / initial_c): h to Q15 and c to the
    /// cell's Q format, rounded half to even and saturated to int16. Outside the per-step path.
    /// </summary>
    public void SetState(ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell)
    {
        for (int k = 0; k < _hs; k++) _h[k] = (short)ToInt16(hidden[k] * (double)QFormats.One15);
        double cellScale = Math.Pow(2, _layer.CellFracBits);
        for (int k = 0; k < _hs; k++) _cell[k] = cell.IsEmpty ? 0 : ToInt16(cell[k] * cellScale);
    }

    private static int ToInt16(double v) => double.IsNaN(v) ? 0 : (int)Math.Round(Math.Clamp(v, short.MinValue, short.MaxValue));

    public void Step(short* x)
    {
        if (_clockwork is not null)
        {
            _clockwork.Step(x, _h);
            return;
        }
        if (_fused is not null)
        {
            if (_layer.Kind == CellKind.Lstm) _k.LstmFused(_fused, x, _h, _hNext, _cell);
            else _k.GruFused(_fused, x, _h, _hNext);
            short* previous = _h;
            _h = _hNext;
            _hNext = previous;
            return;
        }
        _k.MatVec(_w, x, _accX);
        switch (_layer.Kind)
        {
            case CellKind.Rnn: StepRnn(); break;
            case CellKind.Lstm: StepLstm(); break;
            case CellKind.DepthGated: StepDepthGated(); break;
            default: StepGru(); break;
        }
    }

    private void StepRnn()
    {
        _k.MatVec(_r, _h, _accH);
        _k.GateActivate(_accX, _w.Requant, _accH, _r.Requant, _bias, _lo, _hi, _tanh, _act, _hs);
        _k.StoreHidden(_act, _h, _hs);
    }

    private void StepLstm()
    {
        int hs = _hs;
        int* i = _act, o = _act + hs, f = _act + 2 * hs, g = _act + 3 * hs;
        bool coupled = _layer.InputForget;
        _k.MatVec(_r, _h, _accH);
        if (_layer.Peepholes is null)
        {
            _k.GateActivate(_accX, _w.Requant, _accH, _r.Requant, _bias, _lo, _hi, _sigmoid, _act, 3 * hs);
            _k.GateActivate(_accX + 3 * hs, _w.Requant.Skip(3 * hs), _accH + 3 * hs, _r.Requant.Skip(3 * hs), _bias + 3 * hs, _lo, _hi, _tanh, g, hs);
            _k.LstmUpdate(i, f, g, o, _cell, coupled, _layer.CellFracBits, _tanh, _h, hs);
        }
        else
        {
            // i, o, f rows are clamped only after their peephole term is added.
            int wide = QFormats.PreWideLimit;
            _k.GatePre(_accX, _w.Requant, _accH, _r.Requant, _bias, -wide, wide, _pre, 3 * hs);
            _k.GatePre(_accX + 3 * hs, _w.Requant.Skip(3 * hs), _accH + 3 * hs, _r.Requant.Skip(3 * hs), _bias + 3 * hs, _lo, _hi, _pre + 3 * hs, hs);
            Peephole(Gates.PeepInput, _pre, _peep);
            _k.Activate(_sigmoid, _pre, i, hs);
            if (!coupled)
            {
                Peephole(Gates.PeepForget, _pre + 2 * hs, _peep + 2 * hs);
                _k.Activate(_sigmoid, _pre + 2 * hs, f, hs);
            }
            _k.Activate(_tanh, _pre + 3 * hs, g, hs);
            _k.LstmCell(i, f, g, _cell, coupled, _layer.CellFracBits, hs);
            Peephole(Gates.PeepOutput, _pre + hs, _peep + hs); // the output gate sees the new cell state
            _k.Activate(_sigmoid, _pre + hs, o, hs);
            _k.LstmHidden(o, _cell, _layer.CellFracBits, _tanh, _h, hs);
        }
    }

    /// <summary>
    /// LSTM gates as usual; the depth gate from its x rows, its bias and its two cell products
    /// (own previous cell, lower layer's new cell); then c = f c + i g + d c_lower rounded once, h = o tanh(c).
    /// </summary>
    private void StepDepthGated()
    {
        int hs = _hs, wide = QFormats.PreWideLimit;
        int* i = _act, o = _act + hs, f = _act + 2 * hs, g = _act + 3 * hs;
        _k.MatVec(_r, _h, _accH);
        _k.GateActivate(_accX, _w.Requant, _accH, _r.Requant, _bias, _lo, _hi, _sigmoid, _act, 3 * hs);
        _k.GateActivate(_accX + 3 * hs, _w.Requant.Skip(3 * hs), _accH + 3 * hs, _r.Requant.Skip(3 * hs), _bias + 3 * hs, _lo, _hi, _tanh, g, hs);
        _k.RequantAdd(_accX + 4 * hs, _w.Requant.Skip(4 * hs), _depthBias, -wide, wide, _depthPre, hs);
        var own = _depthRequant[0];
        _k.PeepholeAdd(_depthPre, _depthPeep, _cell, own.Multiplier, own.RoundHigh, own.RoundLow, own.Shift, -wide, wide, hs);
        var low = _depthRequant[1];
        _k.PeepholeAdd(_depthPre, _depthPeep + hs, _lowerCell, low.Multiplier, low.RoundHigh, low.RoundLow, low.Shift, _lo, _hi, hs);
        _k.Activate(_sigmoid, _depthPre, _depth, hs);
        _k.DepthGatedCell(i, f, g, _depth, _lowerCell, _cell, _depthCell, hs);
        _k.LstmHidden(o, _cell, _layer.CellFracBits, _tanh, _h, hs);
    }

    private void Peephole(int gate, int* pre, int* peep)
    {
        var c = _peepRequant[gate];
        _k.PeepholeAdd(pre, peep, _cell, c.Multiplier, c.RoundHigh, c.RoundLow, c.Shift, _lo, _hi, _hs);
    }

    private void StepGru()
    {
        int hs = _hs;
        int* z = _act, r = _act + hs, candidate = _act + 2 * hs;
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

    private int* Ints(int n) => _arena.Allocate<int>(n);

    private short* Shorts(int n) => _arena.Allocate<short>(n);
}
