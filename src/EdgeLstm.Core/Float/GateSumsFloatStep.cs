using static EdgeLstm.Core.Float.FloatMath;

namespace EdgeLstm.Core.Float;

/// <summary>
/// A float step whose gate pre-activations are two sums formed apart and then added per row, as
/// ONNX's RNN, LSTM and GRU define them: <see cref="Input"/> = W x + Wb over every gate row, and
/// <see cref="Recurrent"/> = R v + Rb, where each kind chooses which R blocks multiply which
/// vector (h, r ⊙ h, tanh(h)). Summation order: the bias first, then the product in row order
/// (<see cref="FloatMath.MatVecAdd"/>), so every kind's results stay what its equations give.
/// </summary>
internal abstract class GateSumsFloatStep(RecurrentLayer layer) : FloatCellStep(layer)
{
    /// <summary>W x + Wb, [gates·H].</summary>
    protected float[] Input { get; } = new float[layer.Rows];

    /// <summary>R v + Rb, [gates·H]: Rb until the kind adds its products.</summary>
    protected float[] Recurrent { get; } = new float[layer.Rows];

    /// <summary>Input = Wb + W x, Recurrent = Rb.</summary>
    protected void StartSums(ReadOnlySpan<float> x)
    {
        Layer.Wb.CopyTo(Input, 0);
        MatVecAdd(Layer.W, x, Input);
        Layer.Rb.CopyTo(Recurrent, 0);
    }

    /// <summary>Adds R's gate blocks first .. first + count - 1 times v into those rows of <see cref="Recurrent"/>.</summary>
    protected void AddRecurrent(int first, int count, ReadOnlySpan<float> v)
    {
        int hs = Layer.HiddenSize;
        MatVecAdd(Layer.R.AsSpan(first * hs * hs, count * hs * hs), v, Recurrent.AsSpan(first * hs, count * hs));
    }

    /// <summary>Gate block gate's pre-activation of unit k: Input + Recurrent, unclipped.</summary>
    protected float Sum(int gate, int k)
    {
        int row = gate * Layer.HiddenSize + k;
        return Input[row] + Recurrent[row];
    }
}
