using EdgeLstm.Core.Float;
using EdgeLstm.Core.Model;
using static EdgeLstm.Core.Float.FloatMath;

namespace EdgeLstm.Core.Cells.Lstm;

/// <summary>
/// The LSTM's float step (ONNX LSTM): i, f from their pre-activations plus the peepholes on the
/// previous cell, f = 1 - i when coupled, c = f ⊙ c + i ⊙ g, then o with its peephole on the new
/// cell, h = o ⊙ tanh(c); every pre-activation clipped before its activation.
/// </summary>
internal sealed class LstmFloatStep(RecurrentLayer layer) : FloatCellStep(layer)
{
    private readonly float[] _gates = new float[layer.Rows];      // W x + Wb
    private readonly float[] _recurrent = new float[layer.Rows];  // R h + Rb

    public override void Step(ReadOnlySpan<float> x)
    {
        var l = Layer;
        int hs = l.HiddenSize;
        l.Wb.CopyTo(_gates, 0);
        MatVecAdd(l.W, x, _gates);
        l.Rb.CopyTo(_recurrent, 0);
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
}
