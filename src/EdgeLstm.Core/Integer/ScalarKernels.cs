using static EdgeLstm.Core.Integer.Elementwise;

namespace EdgeLstm.Core.Integer;

/// <summary>
/// The reference kernels: plain loops over <see cref="Elementwise"/>, row-major weights. Every
/// store of an int32 result into an int16 state narrows with <see cref="QFormats.NarrowInt16"/>,
/// which saturates as the vector kernels' narrowing stores do (<see cref="ISimdOps{TV}.StoreNarrowed"/>),
/// so the two agree by construction and not only because the values are in range.
/// </summary>
internal sealed unsafe class ScalarKernels : IntegerKernels
{
    public override string Name => "scalar";
    public override int RowBlock => 1;

    public override void MatVec(PreparedMatrix m, short* x, int* acc)
    {
        for (int r = 0; r < m.Rows; r++)
        {
            sbyte* row = m.Weights + r * m.Cols;
            int sum = 0;
            for (int j = 0; j < m.Cols; j++) sum += row[j] * x[j];
            acc[r] = sum;
        }
    }

    public override void MatMat(PreparedMatrix m, short** x, int** acc, int lanes)
    {
        for (int l = 0; l < lanes; l++) MatVec(m, x[l], acc[l]);
    }

    public override void QuantizeInput(float* sample, float* offset, float* multiplier, short* q, int n)
    {
        for (int j = 0; j < n; j++) q[j] = Elementwise.QuantizeInput(sample[j], offset[j], multiplier[j]);
    }

    public override void GatePre(int* accX, RequantRows rqX, int* accH, RequantRows rqH, int* bias, int lo, int hi, int* pre, int n)
    {
        for (int r = 0; r < n; r++)
            pre[r] = Gate(accX, rqX, accH, rqH, bias, r, lo, hi);
    }

    public override void GateActivate(int* accX, RequantRows rqX, int* accH, RequantRows rqH, int* bias, int lo, int hi, int* table, int* act, int n)
    {
        for (int r = 0; r < n; r++)
            act[r] = Elementwise.Activate(table, Gate(accX, rqX, accH, rqH, bias, r, lo, hi));
    }

    public override void RequantAdd(int* acc, RequantRows rq, int* addend, int lo, int hi, int* output, int n)
    {
        for (int r = 0; r < n; r++) output[r] = Clamp(RequantAt(acc[r], rq, r) + addend[r], lo, hi);
    }

    public override void PeepholeAdd(int* pre, int* peep, int* cell, int m, int roundHigh, int roundLow, int shift, int lo, int hi, int n)
    {
        for (int k = 0; k < n; k++) pre[k] = Clamp(pre[k] + Requant(peep[k] * cell[k], m, roundHigh, roundLow, shift), lo, hi);
    }

    public override void Activate(int* table, int* pre, int* output, int n)
    {
        for (int k = 0; k < n; k++) output[k] = Elementwise.Activate(table, pre[k]);
    }

    public override void LstmCell(int* i, int* f, int* g, int* cell, bool coupled, int cellFracBits, int n)
    {
        for (int k = 0; k < n; k++)
            cell[k] = Elementwise.LstmCell(i[k], coupled ? 32768 - i[k] : f[k], g[k], cell[k], cellFracBits);
    }

    public override void DepthGatedCell(int* i, int* f, int* g, int* d, int* lower, int* cell, in DepthCellFormat format, int n)
    {
        for (int k = 0; k < n; k++) cell[k] = Elementwise.DepthGatedCell(i[k], f[k], g[k], cell[k], d[k], lower[k], format);
    }

    public override void LstmUpdate(int* i, int* f, int* g, int* o, int* cell, bool coupled, int cellFracBits, int* tanh, short* h, int n)
    {
        LstmCell(i, f, g, cell, coupled, cellFracBits, n);
        LstmHidden(o, cell, cellFracBits, tanh, h, n);
    }

    public override void LstmGatesUpdate(int* accX, RequantRows rqX, int* accH, RequantRows rqH, int* bias, int lo, int hi, int* sigmoid, int* tanh,
        int* cell, bool coupled, int cellFracBits, short* h, int hs, int n, int* pre)
    {
        for (int k = 0; k < n; k++)
        {
            int i = Act(sigmoid, k), o = Act(sigmoid, hs + k), f = Act(sigmoid, 2 * hs + k), g = Act(tanh, 3 * hs + k);
            cell[k] = Elementwise.LstmCell(i, coupled ? 32768 - i : f, g, cell[k], cellFracBits);
            h[k] = QFormats.NarrowInt16(Elementwise.LstmHidden(o, cell[k], cellFracBits, tanh));
        }

        int Act(int* table, int r) => Elementwise.Activate(table, Gate(accX, rqX, accH, rqH, bias, r, lo, hi));
    }

    public override void GruCandidateAndHidden(int* accX, RequantRows rqX, int* bias, int* accH, RequantRows rqH, int* hBias,
        int* z, int* r, int lo, int hi, int* tanh, short* h, int n)
    {
        for (int k = 0; k < n; k++)
        {
            int xPart = Clamp(RequantAt(accX[k], rqX, k) + bias[k], -QFormats.PreWideLimit, QFormats.PreWideLimit);
            int hPart = RequantAt(accH[k], rqH, k) + hBias[k];
            int candidate = Elementwise.Activate(tanh, Elementwise.GruCandidatePre(xPart, r[k], hPart, lo, hi));
            h[k] = QFormats.NarrowInt16(Elementwise.GruHidden(z[k], candidate, h[k]));
        }
    }

    public override void LstmHidden(int* o, int* cell, int cellFracBits, int* tanh, short* h, int n)
    {
        for (int k = 0; k < n; k++) h[k] = QFormats.NarrowInt16(Elementwise.LstmHidden(o[k], cell[k], cellFracBits, tanh));
    }

    public override void GruResetHidden(int* r, short* h, short* output, int n)
    {
        for (int k = 0; k < n; k++) output[k] = QFormats.NarrowInt16(MulQ15(r[k], h[k]));
    }

    public override void GruHidden(int* z, int* candidate, short* h, int n)
    {
        for (int k = 0; k < n; k++) h[k] = QFormats.NarrowInt16(Elementwise.GruHidden(z[k], candidate[k], h[k]));
    }

    public override void HiddenTanh(short* h, int* tanh, short* output, int n)
    {
        for (int k = 0; k < n; k++) output[k] = QFormats.NarrowInt16(Elementwise.HiddenTanh(h[k], tanh));
    }

    public override void StoreHidden(int* act, short* h, int n)
    {
        for (int k = 0; k < n; k++) h[k] = QFormats.NarrowInt16(act[k]);
    }

    public override void AttentionPool(short* states, int stride, int* alpha, int count, short* context, int n)
    {
        for (int k = 0; k < n; k++)
        {
            int sum = 0;
            for (int t = 0; t < count; t++) sum += alpha[t] * states[t * stride + k];
            context[k] = QFormats.NarrowInt16(PoolRound(sum));
        }
    }

    /// <summary>A gate row's pre-activation: clamp(rqX(accX[r]) + rqH(accH[r]) + bias[r], lo, hi).</summary>
    private static int Gate(int* accX, RequantRows rqX, int* accH, RequantRows rqH, int* bias, int r, int lo, int hi) =>
        Clamp(RequantAt(accX[r], rqX, r) + RequantAt(accH[r], rqH, r) + bias[r], lo, hi);

    private static int RequantAt(int acc, RequantRows rq, int r) => Requant(acc, rq.M[r], rq.RoundHigh[r], rq.RoundLow[r], rq.Shift[r]);
}
