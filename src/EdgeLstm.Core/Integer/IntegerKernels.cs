namespace EdgeLstm.Core.Integer;

/// <summary>
/// The integer engine's operations over a step. One scalar reference implementation and one
/// generic vector implementation; they must agree bit for bit (tests prove it).
/// All pointers address pinned session buffers; n counts elements (rows or hidden units).
/// </summary>
internal abstract unsafe partial class IntegerKernels
{
    public abstract string Name { get; }

    /// <summary>Rows per weight block of this family's layout (1 = row-major).</summary>
    public abstract int RowBlock { get; }

    public PreparedMatrix Prepare(QuantizedMatrix m, PinnedArena arena) => new(m, RowBlock, arena);

    /// <summary>
    /// acc[r] = sum_j q[r, j] * x[j] for every (padded) row; x has an even, zero-padded length. Exact:
    /// no rounding, and no overflow in any order of summation for fan-in &lt;= <see cref="Numerics.QFormats.MaxFanIn"/>.
    /// </summary>
    public abstract void MatVec(PreparedMatrix m, short* x, int* acc);

    /// <summary>
    /// The batched product (<see cref="BatchedIntegerSession"/>): acc[l] = m · x[l] for each of the
    /// lanes inputs, every acc[l] exactly what <see cref="MatVec"/> gives for x[l] (the int32 sums of
    /// the same products, exact in any order). The vector kernels load each weight vector once for
    /// several lanes (register blocking) and walk the weights once per call, row block by row block.
    /// </summary>
    public abstract void MatMat(PreparedMatrix m, short** x, int** acc, int lanes);

    /// <summary>pre = clamp(rqX(accX) + rqH(accH) + bias, lo, hi): each requantization rounded half toward +infinity, the sum saturated to [lo, hi].</summary>
    public abstract void GatePre(int* accX, RequantRows rqX, int* accH, RequantRows rqH, int* bias, int lo, int hi, int* pre, int n);

    /// <summary>act = table(clamp(rqX(accX) + rqH(accH) + bias, lo, hi)): GatePre and Activate in one pass.</summary>
    public abstract void GateActivate(int* accX, RequantRows rqX, int* accH, RequantRows rqH, int* bias, int lo, int hi, int* table, int* act, int n);

    /// <summary>output = clamp(rq(acc) + addend, lo, hi): requantization rounded half toward +infinity, the sum saturated to [lo, hi].</summary>
    public abstract void RequantAdd(int* acc, RequantRows rq, int* addend, int lo, int hi, int* output, int n);

    /// <summary>
    /// pre = clamp(pre + rq(peep * cell), lo, hi), one requantizer for the whole gate: the int16 x int16
    /// product is exact (|peep| &lt;= 32767, so below 2^30), its requantization rounded half toward
    /// +infinity, the sum saturated to [lo, hi].
    /// </summary>
    public abstract void PeepholeAdd(int* pre, int* peep, int* cell, int m, int roundHigh, int roundLow, int shift, int lo, int hi, int n);

    /// <summary>output = table(pre), pre already within the int16 range; interpolation rounded half toward +infinity (<see cref="Elementwise.Activate"/>).</summary>
    public abstract void Activate(int* table, int* pre, int* output, int n);

    /// <summary>cell = LstmCell(i, f or 1 - i, g, cell): two products rounded half toward +infinity, their sum saturated to int16 (<see cref="Elementwise.LstmCell"/>).</summary>
    public abstract void LstmCell(int* i, int* f, int* g, int* cell, bool coupled, int cellFracBits, int n);

    /// <summary>cell = DepthGatedCell(i, f, g, cell, d, lower): the depth-gated LSTM's cell update, one rounding.</summary>
    public abstract void DepthGatedCell(int* i, int* f, int* g, int* d, int* lower, int* cell, in DepthCellFormat format, int n);

    /// <summary>LstmCell then LstmHidden in one pass (no peepholes: o does not depend on the new cell).</summary>
    public abstract void LstmUpdate(int* i, int* f, int* g, int* o, int* cell, bool coupled, int cellFracBits, int* tanh, short* h, int n);

    /// <summary>
    /// An LSTM layer's update without peepholes from its products, units [0, n) of a layer of hs
    /// units (gate g's rows at g * hs): GateActivate of i, o, f (sigmoid) and g (tanh), then
    /// LstmUpdate. The scalar reference is exactly that sequence of formulas, one unit at a time;
    /// a vector family may first write every unit's four pre-activations to pre (4 n ints of
    /// scratch) and then activate and update from there (the same formulas in another order).
    /// </summary>
    public abstract void LstmGatesUpdate(int* accX, RequantRows rqX, int* accH, RequantRows rqH, int* bias, int lo, int hi, int* sigmoid, int* tanh,
        int* cell, bool coupled, int cellFracBits, short* h, int hs, int n, int* pre);

    /// <summary>
    /// GRU with linear_before_reset = 1, after z and r: candidate = tanh(clamp(rqX(accX) + bias +
    /// r ⊙ clamp(rqH(accH) + hBias, ±65535), lo, hi)), then h = candidate + z ⊙ (h - candidate), one pass.
    /// </summary>
    public abstract void GruCandidateAndHidden(int* accX, RequantRows rqX, int* bias, int* accH, RequantRows rqH, int* hBias,
        int* z, int* r, int lo, int hi, int* tanh, short* h, int n);

    /// <summary>h = o * tanh(cell), rounded half toward +infinity, stored with saturation to int16 (<see cref="Elementwise.LstmHidden"/>).</summary>
    public abstract void LstmHidden(int* o, int* cell, int cellFracBits, int* tanh, short* h, int n);

    /// <summary>output = r ⊙ h (GRU with linear_before_reset = 0): (r*h + 2^14) >> 15, rounded half toward +infinity, stored with saturation to int16.</summary>
    public abstract void GruResetHidden(int* r, short* h, short* output, int n);

    /// <summary>h = candidate + z ⊙ (h - candidate): the product rounded half toward +infinity, the sum saturated to int16 (<see cref="Elementwise.GruHidden"/>).</summary>
    public abstract void GruHidden(int* z, int* candidate, short* h, int n);

    /// <summary>
    /// output = tanh(h) for a Q0.15 state h (MUT3): one rounding, Q0.15 to Q3.12 half toward +infinity,
    /// then the table (<see cref="Elementwise.HiddenTanh"/>); Q0.15, stored with saturation to int16.
    /// </summary>
    public abstract void HiddenTanh(short* h, int* tanh, short* output, int n);

    /// <summary>h = act, narrowed with saturation to int16 (the values, activations, are in range already).</summary>
    public abstract void StoreHidden(int* act, short* h, int n);

    /// <summary>
    /// Attention pooling: context[k] = sat16((Σ_t alpha[t] * states[t * stride + k] + 2^14) >> 15) over
    /// count rows, alpha in Q15 (Σ alpha ≈ 2^15), states and context in Q15. Exact in int32
    /// (docs/attention.md), so the order of the sum cannot change the result.
    /// </summary>
    public abstract void AttentionPool(short* states, int stride, int* alpha, int count, short* context, int n);

    /// <summary>
    /// The input boundary, the engine's one float operation: q[j] = saturate16(round_half_even((x[j] -
    /// offset[j]) * multiplier[j])), NaN to 0 (<see cref="Elementwise.QuantizeInput"/>).
    /// </summary>
    public abstract void QuantizeInput(float* sample, float* offset, float* multiplier, short* q, int n);

    /// <summary>Whether this family runs the layers a cell step fuses (LSTM without peepholes, GRU with linear_before_reset = 1, Clockwork) as one fused pass.</summary>
    public virtual bool Fuses => false;

    /// <summary>
    /// A whole LSTM step (no peepholes) over a <see cref="FusedLayer"/>: the products of x and of the
    /// previous hidden state, GateActivate, LstmUpdate; h' goes to hNew (hOld is read to the end).
    /// </summary>
    public virtual void LstmFused(FusedLayer f, short* x, short* hOld, short* hNew, int* cell) => throw new NotSupportedException();

    /// <summary>A whole GRU step with linear_before_reset = 1 over a <see cref="FusedLayer"/>, h' to hNew.</summary>
    public virtual void GruFused(FusedLayer f, short* x, short* hOld, short* hNew) => throw new NotSupportedException();
}
