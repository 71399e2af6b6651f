namespace EdgeLstm.Core.Cells.Rnn;

/// <summary>
/// The Elman RNN's integer step: accX = W x, accH = R h, h = tanh(clamp(rqX(accX) + rqH(accH) +
/// bias, clip)) through GateActivate and StoreHidden. No fused form: the scalar kernels sequence
/// on every family. A <see cref="BatchedIntegerSession"/> runs the products over many lanes and
/// <see cref="Update"/> per lane (docs/batching.md).
/// </summary>
internal sealed unsafe class RnnIntegerStep : IntegerCellStep
{
    private readonly PreparedMatrix _w, _r;
    private readonly int* _accX, _accH, _act, _bias;

    public RnnIntegerStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena, int* sigmoid, int* tanh)
        : base(layer, kernels, arena, sigmoid, tanh)
    {
        _w = Product(layer.W, out _accX);
        _r = Product(layer.R, out _accH);
        _act = Ints(layer.Rows);
        _bias = Copy(layer.Bias);
    }

    public override void Step(short* x)
    {
        _k.MatVec(_w, x, _accX);
        _k.MatVec(_r, _h, _accH);
        Update(_accX, _accH, _h);
    }

    private protected override (PreparedMatrix W, PreparedMatrix R)? LaneMatrices => (_w, _r);

    private protected override void UpdateLane(int* accX, int* accH, short* h, int* cell) => Update(accX, accH, h);

    private void Update(int* accX, int* accH, short* h)
    {
        _k.GateActivate(accX, _w.Requant, accH, _r.Requant, _bias, _lo, _hi, _tanh, _act, _hs);
        _k.StoreHidden(_act, h, _hs);
    }
}
