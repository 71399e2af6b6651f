namespace EdgeLstm.Training.Network;

/// <summary>
/// Depth-gated LSTM (Yao et al. 2015) exactly as Core's float reference runs it: the LSTM of
/// <see cref="LstmLayer{T}"/> with c[t] = f ⊙ c[t-1] + i ⊙ g + d ⊙ c_lower[t], where
/// d = σ(clip(W_d x + b_d + w_cd ⊙ c[t-1] + w_ld ⊙ c_lower[t])) and c_lower[t] is the cell the
/// layer below (LSTM or depth-gated, same size) has just computed. Backward, dLoss/dc_lower[t]
/// = dc ⊙ d + dz_d ⊙ w_ld goes into the lower tape's CellGrad, which the lower layer adds to its
/// own cell gradient: the gradient crosses layers through the gate as well as through h.
/// W_d is kept transposed ([I, H]) like W.
/// </summary>
internal sealed class DepthGatedLayer<T> : LstmLayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _wdT, _bias, _cellWeights, _lowerWeights;
    private readonly ParameterTensor<T>[] _parameters;
    private readonly int _gradWd;

    public DepthGatedLayer(RecurrentLayer core) : base(core)
    {
        var depth = core.Depth ?? throw new ArgumentException("a depth-gated layer needs its depth gate", nameof(core));
        _wdT = new T[Inputs * Hidden];
        BlockMath<T>.Transpose(Convert(depth.W), Hidden, Inputs, _wdT);
        _bias = Convert(depth.Bias);
        _cellWeights = Convert(depth.CellWeights);
        _lowerWeights = Convert(depth.LowerCellWeights);
        _gradWd = base.Parameters.Count;
        _parameters = [.. base.Parameters, new("Wd", _wdT, true), new("bd", _bias, false), new("wcd", _cellWeights, true), new("wld", _lowerWeights, true)];
    }

    public override IReadOnlyList<ParameterTensor<T>> Parameters => _parameters;

    public override LayerTape<T> CreateTape(int batch, int steps) =>
        throw new InvalidOperationException("a depth-gated layer's tape needs the tape of the layer below");

    public override LayerTape<T> CreateTape(int batch, int steps, LayerTape<T>? below) =>
        new DepthGatedTape<T>(batch, steps, Hidden, HasClip,
            below ?? throw new InvalidOperationException("a depth-gated layer cannot be the first layer: it reads the cell of the layer below"));

    public override RecurrentLayer ToCore()
    {
        var l = base.ToCore();
        var depth = new DepthGate(Inputs, Hidden);
        var w = new T[Hidden * Inputs];
        BlockMath<T>.Transpose(_wdT, Inputs, Hidden, w);
        ToFloat(w).CopyTo(depth.W, 0);
        ToFloat(_bias).CopyTo(depth.Bias, 0);
        ToFloat(_cellWeights).CopyTo(depth.CellWeights, 0);
        ToFloat(_lowerWeights).CopyTo(depth.LowerCellWeights, 0);
        l.Depth = depth;
        return l;
    }

    protected override void AddToCell(LayerTape<T> tape, ReadOnlySpan<T> x, SequenceShape s, int t, int b, ReadOnlySpan<T> cPrev, Span<T> c)
    {
        var dt = (DepthGatedTape<T>)tape;
        var lowerCell = dt.Lower.CellAt(s, t, b);
        var d = dt.DepthAt(s, t, b);
        _bias.CopyTo(d);
        BlockMath<T>.AddProduct(x, _wdT, Hidden, 0, d);
        TensorPrimitives.MultiplyAdd(_cellWeights, cPrev, d, d);
        TensorPrimitives.MultiplyAdd(_lowerWeights, lowerCell, d, d);
        if (HasClip) BlockMath<T>.Clip(d, dt.DepthMaskAt(s, t, b), ClipValue);
        TensorPrimitives.Sigmoid(d, d);
        TensorPrimitives.MultiplyAdd(d, lowerCell, c, c);
    }

    protected override void CellBackward(LayerTape<T> tape, ReadOnlySpan<T> x, Span<T> dx, SequenceShape s, int t, int b,
        ReadOnlySpan<T> dc, ReadOnlySpan<T> cPrev, Span<T> dcPrev, T[][] grads)
    {
        var dt = (DepthGatedTape<T>)tape;
        var lowerCell = dt.Lower.CellAt(s, t, b);
        var d = dt.DepthAt(s, t, b);
        var dz = dt.Scratch.AsSpan();
        for (int k = 0; k < Hidden; k++) dz[k] = dc[k] * lowerCell[k] * d[k] * (T.One - d[k]);
        if (HasClip) TensorPrimitives.Multiply(dz, dt.DepthMaskAt(s, t, b), dz);

        var dLower = dt.Lower.CellGradAt(s, t, b);
        TensorPrimitives.Multiply(dc, d, dLower);
        TensorPrimitives.MultiplyAdd(dz, _lowerWeights, dLower, dLower);
        TensorPrimitives.MultiplyAdd(dz, _cellWeights, dcPrev, dcPrev);

        BlockMath<T>.AddOuter(x, dz, grads[_gradWd], Hidden, 0);
        AddTo(grads[_gradWd + 1], dz);
        var dwc = grads[_gradWd + 2].AsSpan();
        TensorPrimitives.MultiplyAdd(dz, cPrev, dwc, dwc);
        var dwl = grads[_gradWd + 3].AsSpan();
        TensorPrimitives.MultiplyAdd(dz, lowerCell, dwl, dwl);
        if (!dx.IsEmpty) BlockMath<T>.AddTransposedProduct(dz, _wdT, Hidden, 0, dx);
    }
}
