namespace EdgeLstm.Core.Integer;

/// <summary>
/// The integer step of one recurrent layer, made by its kind's definition
/// (<see cref="Cells.CellDefinition.CreateIntegerStep"/>): prepared weights, state (h in Q15, c in
/// the layer's cell format) and scratch, all allocated in the session's <see cref="PinnedArena"/>
/// once. A kind's Step is a fixed sequence of calls to the shared kernels
/// (<see cref="IntegerKernels"/>); it allocates nothing and touches no float. Where a fused vector
/// step exists the kind's class holds it beside its scalar reference, and the tests prove them
/// bit-identical. The session makes one virtual call per layer and step.
/// </summary>
internal abstract unsafe class IntegerCellStep
{
    private protected readonly QuantizedRecurrentLayer _layer;
    private protected readonly IntegerKernels _k;
    private protected readonly PinnedArena _arena;
    private protected readonly int _hs, _lo, _hi;
    private protected readonly int* _sigmoid, _tanh;
    private protected readonly int* _cell;
    private protected short* _h;

    /// <summary>
    /// Allocates the state: the cell over whole blocks of <see cref="IntegerKernels.RowBlock"/> units
    /// (a fused step writes whole blocks; padded units stay 0), h with two spare zeros besides (column
    /// pairs may read one unit past the end: odd sizes, Clockwork module offsets).
    /// </summary>
    private protected IntegerCellStep(QuantizedRecurrentLayer layer, IntegerKernels kernels, PinnedArena arena, int* sigmoid, int* tanh)
    {
        _layer = layer;
        _k = kernels;
        _arena = arena;
        _hs = layer.HiddenSize;
        _sigmoid = sigmoid;
        _tanh = tanh;
        (_lo, _hi) = layer.ClipQ12 > 0 ? (-layer.ClipQ12, layer.ClipQ12) : (short.MinValue, (int)short.MaxValue);
        _cell = Ints(PaddedUnits);
        _h = Shorts(HiddenLength);
    }

    /// <summary>Hidden units rounded up to whole row blocks.</summary>
    internal int PaddedUnits => (_hs + _k.RowBlock - 1) / _k.RowBlock * _k.RowBlock;

    /// <summary>The length of an h buffer: whole blocks, and at least two spare zeros.</summary>
    internal int HiddenLength => Math.Max(_hs + 2, PaddedUnits);

    /// <summary>Hidden state, Q15, zero-padded to an even length (the next layer's input).</summary>
    public short* Hidden => _h;
    public ReadOnlySpan<short> HiddenSpan => new(_h, _hs);

    /// <summary>The memory cell in the layer's cell format (zeros for kinds without one); a depth-gated layer above reads it.</summary>
    public int* CellState => _cell;
    public ReadOnlySpan<int> CellSpan => new(_cell, _hs);
    public int CellFracBits => _layer.CellFracBits;

    /// <summary>Back to the zero state (and, for kinds that count steps, step 0).</summary>
    public virtual void Reset()
    {
        new Span<short>(_h, _hs).Clear();
        new Span<int>(_cell, _hs).Clear();
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

    /// <summary>One step over the int16 input x (the quantized sample or the hidden state below).</summary>
    public abstract void Step(short* x);

    /// <summary>
    /// The input and recurrent matrices of a step that is the products W x and R h then an update
    /// from their accumulators (an unfused LSTM, GRU or RNN step), or null. With them a
    /// <see cref="BatchedIntegerSession"/> steps many lanes (streams) with one
    /// <see cref="IntegerKernels.MatMat"/> per matrix and the same update per lane.
    /// </summary>
    private protected virtual (PreparedMatrix W, PreparedMatrix R)? LaneMatrices => null;

    /// <summary>Whether the layer has a batched step (<see cref="StepLanes"/>).</summary>
    public bool Batches => LaneMatrices is not null;

    /// <summary>Per lane of a call, the accumulators of W x and R h.</summary>
    private protected int** LaneX, LaneH;

    /// <summary>Allocates the accumulators for up to capacity lanes stepped in one call; once, when a batched session is made.</summary>
    public virtual void PrepareLanes(int capacity)
    {
        var (w, r) = LaneMatrices!.Value;
        LaneX = _arena.Table<int>(capacity, w.RowsPadded);
        LaneH = _arena.Table<int>(capacity, r.RowsPadded);
    }

    /// <summary>
    /// Steps count lanes in one call: x[j] the j-th lane's input, h[j] and cell[j] its state (buffers
    /// of <see cref="HiddenLength"/> and <see cref="PaddedUnits"/>). Each lane gets the bits Step gives
    /// a session holding that state: the same accumulators (MatMat), then the same update kernels.
    /// </summary>
    public virtual void StepLanes(int count, short** x, short** h, int** cell)
    {
        RunLaneProducts(count, x, h);
        for (int j = 0; j < count; j++) UpdateLane(LaneX[j], LaneH[j], h[j], cell[j]);
    }

    /// <summary>W x and R h for every lane into <see cref="LaneX"/> and <see cref="LaneH"/>.</summary>
    private protected void RunLaneProducts(int count, short** x, short** h)
    {
        var (w, r) = LaneMatrices!.Value;
        _k.MatMat(w, x, LaneX, count);
        _k.MatMat(r, h, LaneH, count);
    }

    /// <summary>One lane's update from its accumulators, into its h and cell (the single-stream reference step's update).</summary>
    private protected virtual void UpdateLane(int* accX, int* accH, short* h, int* cell) => throw new NotSupportedException();

    /// <summary>A product's weights in the kernels' layout, and the int32 accumulator it writes (one per padded row).</summary>
    private protected PreparedMatrix Product(QuantizedMatrix weights, out int* accumulator)
    {
        var prepared = _k.Prepare(weights, _arena);
        accumulator = Ints(prepared.RowsPadded);
        return prepared;
    }

    private protected int* Ints(int n) => _arena.Allocate<int>(n);

    private protected short* Shorts(int n) => _arena.Allocate<short>(n);

    /// <summary>An arena copy of values.</summary>
    private protected int* Copy(int[] values)
    {
        int* p = Ints(values.Length);
        new ReadOnlySpan<int>(values).CopyTo(new Span<int>(p, values.Length));
        return p;
    }
}
