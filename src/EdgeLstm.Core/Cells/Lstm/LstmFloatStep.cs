using static EdgeLstm.Core.Float.FloatMath;

namespace EdgeLstm.Core.Cells.Lstm;

/// <summary>
/// The LSTM's float step (ONNX LSTM): i, f from their pre-activations plus the peepholes on the
/// previous cell, f = 1 - i when coupled, c = f ⊙ c + i ⊙ g, then o with its peephole on the new
/// cell, h = o ⊙ tanh(c); every pre-activation clipped before its activation.
/// </summary>
internal sealed class LstmFloatStep(RecurrentLayer layer) : GateSumsFloatStep(layer)
{
    public override void Step(ReadOnlySpan<float> x)
    {
        var l = Layer;
        int hs = l.HiddenSize;
        StartSums(x);
        AddRecurrent(0, 4, Hidden);
        var p = l.Peepholes;
        for (int k = 0; k < hs; k++)
        {
            float c = Cell[k];
            float zi = Sum(Gates.LstmInput, k), zf = Sum(Gates.LstmForget, k), zo = Sum(Gates.LstmOutput, k), zc = Sum(Gates.LstmCell, k);
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
