namespace EdgeLstm.Core.Integer;

/// <summary>
/// The integer attention pooling of one session (docs/attention.md). Every step scores the top
/// layer's int16 hidden state with the engine's kernels, pre = clamp16(rq(W h) + bias),
/// u = tanh(pre) by table, e = clamp(rq(v · u), ±2^28) in Q.12, and stores h and e in a ring of
/// Steps slots allocated once from the session's arena. <see cref="Pool"/> runs the integer
/// softmax: w_t = exp(e_t - max e - 2^-12) in Q15 by table, S = Σ w, α_t = round(w_t 2^15 / S),
/// and the kernels' exact weighted sum gives the Q15 context. No float anywhere.
/// </summary>
internal sealed unsafe class IntegerAttentionRunner
{
    private const int ScoreLimit = QFormats.PreWideLimit;
    private readonly IntegerKernels _kernels;
    private readonly PreparedMatrix _w, _v;
    private readonly int* _acc, _bias, _pre, _act, _accV, _scores, _alpha, _tanh, _exp;
    private readonly short* _u, _states;
    private readonly int _hidden, _size, _steps, _stride;
    private readonly int _vM, _vRoundHigh, _vRoundLow, _vShift;
    private int _count, _next;

    public IntegerAttentionRunner(QuantizedAttention attention, IntegerKernels kernels, PinnedArena arena, int* tanh)
    {
        _kernels = kernels;
        _hidden = attention.HiddenSize;
        _size = attention.Size;
        _steps = attention.Steps;
        _stride = _hidden + (_hidden & 1);
        _w = kernels.Prepare(attention.W, arena);
        _v = kernels.Prepare(attention.V, arena);
        _acc = arena.Allocate<int>(_w.RowsPadded);
        _accV = arena.Allocate<int>(_v.RowsPadded);
        _bias = arena.Allocate<int>(_size);
        attention.Bias.CopyTo(new Span<int>(_bias, _size));
        _pre = arena.Allocate<int>(_size);
        _act = arena.Allocate<int>(_size);
        _u = arena.Allocate<short>(_size);
        _states = arena.Allocate<short>(_steps * _stride);
        _scores = arena.Allocate<int>(_steps);
        _alpha = arena.Allocate<int>(_steps);
        _tanh = tanh;
        var table = ActivationTable.ShiftedExp.Packed;
        _exp = arena.Allocate<int>(table.Length);
        table.CopyTo(new Span<int>(_exp, table.Length));
        var c = RequantConstants.From(attention.V.Requant[0]);
        (_vM, _vRoundHigh, _vRoundLow, _vShift) = (c.Multiplier, c.RoundHigh, c.RoundLow, c.Shift);
    }

    public int Count => _count;

    /// <summary>The Q15 attention weights of the last <see cref="Pool"/>, by ring slot.</summary>
    public ReadOnlySpan<int> Alpha => new(_alpha, _count);

    /// <summary>Q.12 scores by ring slot.</summary>
    public ReadOnlySpan<int> Scores => new(_scores, _count);

    public void Reset()
    {
        _count = 0;
        _next = 0;
    }

    public void Step(short* h)
    {
        _kernels.MatVec(_w, h, _acc);
        _kernels.RequantAdd(_acc, _w.Requant, _bias, short.MinValue, short.MaxValue, _pre, _size);
        _kernels.Activate(_tanh, _pre, _act, _size);
        _kernels.StoreHidden(_act, _u, _size);
        _kernels.MatVec(_v, _u, _accV);
        _scores[_next] = Elementwise.Clamp(Elementwise.Requant(_accV[0], _vM, _vRoundHigh, _vRoundLow, _vShift), -ScoreLimit, ScoreLimit);
        new Span<short>(h, _hidden).CopyTo(new Span<short>(_states + _next * _stride, _hidden));
        _next = _next + 1 == _steps ? 0 : _next + 1;
        if (_count < _steps) _count++;
    }

    /// <summary>
    /// The Q15 context over the kept states. They occupy ring slots 0..Count-1 (the ring fills from
    /// slot 0 after a reset), and the integer sums do not depend on the order.
    /// </summary>
    public void Pool(short* context)
    {
        if (_count == 0)
        {
            new Span<short>(context, _hidden).Clear();
            return;
        }
        int max = int.MinValue;
        for (int t = 0; t < _count; t++) max = Math.Max(max, _scores[t]);
        int sum = 0;
        for (int t = 0; t < _count; t++) sum += _alpha[t] = Exp(_scores[t] - max);
        for (int t = 0; t < _count; t++) _alpha[t] = Normalize(_alpha[t], sum);
        _kernels.AttentionPool(_states, _stride, _alpha, _count, context, _hidden);
    }

    /// <summary>
    /// exp(d - 2^-12) in Q15 for a Q.12 difference d ≤ 0, by table (<see cref="Elementwise.Activate"/>:
    /// interpolation rounded half toward +infinity); the table input d + 32767 is saturated at -32768,
    /// so d below -16 gives about 0 instead of wrapping.
    /// </summary>
    public static int Exp(int* table, int d) => Elementwise.Activate(table, Math.Max(d + short.MaxValue, short.MinValue));

    private int Exp(int d) => Exp(_exp, d);

    /// <summary>
    /// α = w / S in Q15: floor((w·2^15 + floor(S/2)) / S), i.e. rounded to nearest, ties up (w, S ≥ 0).
    /// S ≥ 32700 (the largest score's own weight) and w ≤ S, so α ≤ 2^15 and w·2^15 &lt; 2^30 cannot
    /// overflow; no saturation is needed. S itself sums at most 4096 weights below 2^15 (below 2^27).
    /// </summary>
    public static int Normalize(int w, int sum) => (w * 32768 + sum / 2) / sum;
}
