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
    private readonly float[] _scratch;    // [H]: r ⊙ h for GRU with linear_before_reset = 0

    public FloatLayerRunner(RecurrentLayer layer)
    {
        _layer = layer;
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
        _layer.Wb.CopyTo(_gates, 0);
        MatVecAdd(l.W, x, _gates);
        l.Rb.CopyTo(_recurrent, 0);
        switch (l.Kind)
        {
            case CellKind.Rnn: StepRnn(); break;
            case CellKind.Lstm: StepLstm(); break;
            case CellKind.Gru: StepGru(); break;
        }
    }

    private void StepRnn()
    {
        MatVecAdd(_layer.R, Hidden, _recurrent);
        for (int k = 0; k < Hidden.Length; k++)
            Hidden[k] = MathF.Tanh(Clip(_gates[k] + _recurrent[k], _layer.Clip));
    }

    private void StepLstm()
    {
        var l = _layer;
        int hs = l.HiddenSize;
        MatVecAdd(l.R, Hidden, _recurrent);
        var p = l.Peepholes;
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
