namespace EdgeLstm.Core.Cells.DepthGated;

/// <summary>
/// The depth-gated LSTM's integer step: the LSTM gates as usual, the depth gate's rows riding below
/// W's so one product serves all five gates; the depth gate from its x rows, its bias and its two
/// cell products (own previous cell, the lower layer's new cell, each requantized to Q3.12); then
/// c = f c + i g + d c_lower rounded once (<see cref="DepthCellFormat"/>), h = o tanh(c).
/// No fused form: the scalar kernels sequence on every family.
/// </summary>
internal sealed unsafe class DepthGatedIntegerStep : IntegerCellStep
{
    private readonly PreparedMatrix _w, _r;
    private readonly int* _accX, _accH, _act, _bias;
    private readonly int* _lowerCell, _depthBias, _depthPeep, _depthPre, _depth;
    private readonly RequantConstants[] _depthRequant;
    private readonly DepthCellFormat _depthCell;

    public DepthGatedIntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena, int* sigmoid, int* tanh, IntegerCellStep lower)
        : base(layer, kernels, arena, sigmoid, tanh)
    {
        _w = Product(Stack(layer.W, layer.DepthW!), out _accX);
        _r = Product(layer.R, out _accH);
        _act = Ints(layer.Rows);
        _bias = Copy(layer.Bias);
        _lowerCell = lower.CellState;
        _depthBias = Copy(layer.DepthBias!);
        _depthPeep = Ints(2 * _hs);
        for (int k = 0; k < 2 * _hs; k++) _depthPeep[k] = layer.DepthPeepholes![k];
        _depthRequant = layer.DepthRequant!.Select(RequantConstants.From).ToArray();
        _depthPre = Ints(_hs);
        _depth = Ints(_hs);
        _depthCell = new DepthCellFormat(layer.CellFracBits, layer.LowerCellFracBits);
    }

    private static QuantizedMatrix Stack(QuantizedMatrix top, QuantizedMatrix bottom) => new(
        top.Rows + bottom.Rows, top.Cols, [.. top.Values, .. bottom.Values], [.. top.Scales, .. bottom.Scales], [.. top.Requant, .. bottom.Requant]);

    public override void Step(short* x)
    {
        int hs = _hs, wide = QFormats.PreWideLimit;
        int* i = _act, o = _act + hs, f = _act + 2 * hs, g = _act + 3 * hs;
        _k.MatVec(_w, x, _accX);
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
}
