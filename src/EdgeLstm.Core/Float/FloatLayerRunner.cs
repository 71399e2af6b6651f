using EdgeLstm.Core.Model;
using static EdgeLstm.Core.Float.FloatMath;

namespace EdgeLstm.Core.Float;

/// <summary>
/// Float32 reference step of one recurrent layer, following the ONNX operator equations
/// literally. It owns the layer's state (h, and c for LSTM) and its scratch.
/// </summary>
internal sealed class FloatLayerRunner
{
    private readonly RecurrentLayer _layer;
    private readonly float[] _gates;      // [rows]: W x + Wb (+ R h + Rb where the cell allows)
    private readonly float[] _recurrent;  // [rows]: R h + Rb, kept apart for the GRU candidate
    private readonly float[] _scratch;    // [H]: r ⊙ h for GRU with linear_before_reset = 0; a module's new h for Clockwork
    private long _step;                   // Clockwork: steps since the last reset

    private readonly FloatLayerRunner? _lower; // depth-gated: the layer whose cell feeds the depth gate
    private readonly float[] _depthPre;       // [H]: the depth gate's W x (depth-gated only)

    public FloatLayerRunner(RecurrentLayer layer, FloatLayerRunner? lower = null)
    {
        _layer = layer;
        _lower = lower;
        _depthPre = new float[layer.Depth is null ? 0 : layer.HiddenSize];
        _gates = new float[layer.Rows];
        _recurrent = new float[layer.Rows];
        _scratch = new float[layer.HiddenSize];
        Hidden = new float[layer.HiddenSize];
        Cell = new float[layer.HiddenSize];
    }

    public float[] Hidden { get; }
    public float[] Cell { get; }

    public void Reset()
    {
        Array.Clear(Hidden);
        Array.Clear(Cell);
        _step = 0;
    }

    /// <summary>Starts from a given state instead of zeros (ONNX initial_h / initial_c); an empty cell span means zeros.</summary>
    public void SetState(ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell)
    {
        hidden.CopyTo(Hidden);
        if (cell.IsEmpty) Array.Clear(Cell);
        else cell.CopyTo(Cell);
    }

    public void Step(ReadOnlySpan<float> x)
    {
        var l = _layer;
        if (l.Kind == CellKind.Clockwork)
        {
            StepClockwork(x);
            return;
        }
        _layer.Wb.CopyTo(_gates, 0);
        MatVecAdd(l.W, x, _gates);
        l.Rb.CopyTo(_recurrent, 0);
        switch (l.Kind)
        {
            case CellKind.Rnn: StepRnn(); break;
            case CellKind.Lstm: StepLstm(); break;
            case CellKind.DepthGated: StepDepthGatedInput(x); StepLstm(); break;
            case CellKind.Gru: StepGru(); break;
        }
    }

    /// <summary>
    /// Modules in order, fastest first; module i reads modules i.. only, which this step has not
    /// rewritten yet, so updating in place is exact once a module's new values are complete.
    /// </summary>
    private void StepClockwork(ReadOnlySpan<float> x)
    {
        var l = _layer;
        int hs = l.HiddenSize, k = l.ModuleSize, inputs = l.InputSize;
        var periods = l.Periods!;
        for (int m = 0; m < periods.Length; m++)
        {
            if (!ClockworkCost.Runs(_step, periods[m])) continue;
            int first = m * k;
            for (int r = first; r < first + k; r++)
            {
                float z = l.Wb[r] + l.Rb[r];
                z += Dot(l.W.AsSpan(r * inputs, inputs), x);
                z += Dot(l.R.AsSpan(r * hs + first, hs - first), Hidden.AsSpan(first));
                _scratch[r - first] = MathF.Tanh(Clip(z, l.Clip));
            }
            _scratch.AsSpan(0, k).CopyTo(Hidden.AsSpan(first, k));
        }
        _step++;
    }

    private void StepRnn()
    {
        MatVecAdd(_layer.R, Hidden, _recurrent);
        for (int k = 0; k < Hidden.Length; k++)
            Hidden[k] = MathF.Tanh(Clip(_gates[k] + _recurrent[k], _layer.Clip));
    }

    /// <summary>The depth gate's input part, W_d x + b_d, before the cells change.</summary>
    private void StepDepthGatedInput(ReadOnlySpan<float> x)
    {
        var d = _layer.Depth!;
        d.Bias.CopyTo(_depthPre, 0);
        MatVecAdd(d.W, x, _depthPre);
    }

    private void StepLstm()
    {
        var l = _layer;
        int hs = l.HiddenSize;
        MatVecAdd(l.R, Hidden, _recurrent);
        var p = l.Peepholes;
        var depth = l.Depth;
        var lowerCell = _lower?.Cell;
        for (int k = 0; k < hs; k++)
        {
            float c = Cell[k];
            float zi = _gates[Gates.LstmInput * hs + k] + _recurrent[Gates.LstmInput * hs + k];
            float zf = _gates[Gates.LstmForget * hs + k] + _recurrent[Gates.LstmForget * hs + k];
            float zo = _gates[Gates.LstmOutput * hs + k] + _recurrent[Gates.LstmOutput * hs + k];
            float zc = _gates[Gates.LstmCell * hs + k] + _recurrent[Gates.LstmCell * hs + k];
            if (p is not null)
            {
                zi += p[Gates.PeepInput * hs + k] * c;
                zf += p[Gates.PeepForget * hs + k] * c;
            }
            float i = Sigmoid(Clip(zi, l.Clip));
            float f = l.InputForget ? 1f - i : Sigmoid(Clip(zf, l.Clip));
            float g = MathF.Tanh(Clip(zc, l.Clip));
            float cNew = f * c + i * g;
            if (depth is not null)
            {
                // Yao et al. 2015: d = σ(W_d x + b_d + w_cd ⊙ c_prev + w_ld ⊙ c_lower); c += d ⊙ c_lower.
                float cl = lowerCell![k];
                float d = Sigmoid(Clip(_depthPre[k] + depth.CellWeights[k] * c + depth.LowerCellWeights[k] * cl, l.Clip));
                cNew += d * cl;
            }
            if (p is not null) zo += p[Gates.PeepOutput * hs + k] * cNew;
            float o = Sigmoid(Clip(zo, l.Clip));
            Cell[k] = cNew;
            Hidden[k] = o * MathF.Tanh(cNew);
        }
    }

    private void StepGru()
    {
        var l = _layer;
        int hs = l.HiddenSize;
        var rz = l.R.AsSpan(0, 2 * hs * hs);
        MatVecAdd(rz, Hidden, _recurrent.AsSpan(0, 2 * hs));
        var rh = l.R.AsSpan(2 * hs * hs, hs * hs);
        var recurrentH = _recurrent.AsSpan(2 * hs, hs);
        if (l.LinearBeforeReset)
        {
            MatVecAdd(rh, Hidden, recurrentH);
        }
        else
        {
            for (int k = 0; k < hs; k++)
                _scratch[k] = Sigmoid(Clip(_gates[hs + k] + _recurrent[hs + k], l.Clip)) * Hidden[k];
            MatVecAdd(rh, _scratch, recurrentH);
        }
        for (int k = 0; k < hs; k++)
        {
            float z = Sigmoid(Clip(_gates[k] + _recurrent[k], l.Clip));
            float r = Sigmoid(Clip(_gates[hs + k] + _recurrent[hs + k], l.Clip));
            float zh = l.LinearBeforeReset
                ? _gates[2 * hs + k] + r * recurrentH[k]
                : _gates[2 * hs + k] + recurrentH[k];
            float candidate = MathF.Tanh(Clip(zh, l.Clip));
            Hidden[k] = (1f - z) * candidate + z * Hidden[k];
        }
    }
}
