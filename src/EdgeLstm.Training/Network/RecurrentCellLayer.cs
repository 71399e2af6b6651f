namespace EdgeLstm.Training.Network;

/// <summary>
/// What the ONNX-shaped cells (RNN, LSTM, GRU) share: W and R kept transposed ([I, rows] and
/// [H, rows], so every product runs along gate rows), the bias halves Wb and Rb, optional
/// peepholes, the clip; conversion to and from Core's layout; the input-side products.
/// </summary>
internal abstract class RecurrentCellLayer<T> : TrainableLayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Gradient indices, in the order of <see cref="Parameters"/>.</summary>
    protected const int GradW = 0, GradR = 1, GradWb = 2, GradRb = 3, GradPeep = 4;

    private readonly ParameterTensor<T>[] _parameters;

    protected RecurrentCellLayer(RecurrentLayer core)
    {
        Template = core;
        WT = new T[Inputs * Rows];
        RT = new T[Hidden * Rows];
        BlockMath<T>.Transpose(Convert(core.W), Rows, Inputs, WT);
        BlockMath<T>.Transpose(Convert(core.R), Rows, Hidden, RT);
        Wb = Convert(core.Wb);
        Rb = Convert(core.Rb);
        Peep = core.Peepholes is null ? null : Convert(core.Peepholes);
        ClipValue = T.CreateChecked(core.Clip);
        HasClip = core.Clip > 0;
        var list = new List<ParameterTensor<T>> { new("W", WT, true), new("R", RT, true), new("Wb", Wb, false), new("Rb", Rb, false) };
        if (Peep is not null) list.Add(new("P", Peep, true));
        _parameters = [.. list];
    }

    /// <summary>Options (kind, peepholes, input_forget, linear_before_reset, clip) are copied from here on export.</summary>
    protected RecurrentLayer Template { get; }
    protected int Hidden => Template.HiddenSize;
    protected int Inputs => Template.InputSize;
    protected int Rows => Template.Rows;
    protected T[] WT { get; }
    protected T[] RT { get; }
    protected T[] Wb { get; }
    protected T[] Rb { get; }
    protected T[]? Peep { get; }
    protected bool HasClip { get; }
    protected T ClipValue { get; }

    public override int InputSize => Inputs;
    public override int OutputSize => Hidden;
    public override IReadOnlyList<ParameterTensor<T>> Parameters => _parameters;

    public override RecurrentLayer ToCore()
    {
        var l = new RecurrentLayer(Template.Kind, Inputs, Hidden)
        {
            InputForget = Template.InputForget,
            LinearBeforeReset = Template.LinearBeforeReset,
            Clip = Template.Clip,
            Peepholes = Peep is null ? null : ToFloat(Peep),
        };
        var w = new T[Rows * Inputs];
        BlockMath<T>.Transpose(WT, Inputs, Rows, w);
        ToFloat(w).CopyTo(l.W, 0);
        var r = new T[Rows * Hidden];
        BlockMath<T>.Transpose(RT, Hidden, Rows, r);
        ToFloat(r).CopyTo(l.R, 0);
        ToFloat(Wb).CopyTo(l.Wb, 0);
        ToFloat(Rb).CopyTo(l.Rb, 0);
        l.Definition.ApplyFixedWeights(l); // MUT1, MUT2: their map and empty blocks, which the products leave out and never update
        return l;
    }

    /// <summary>gates = Wb + W x (+ Rb + R h when the cell adds them all: pass includeRecurrent).</summary>
    protected void InputPreactivation(ReadOnlySpan<T> x, ReadOnlySpan<T> h, Span<T> gates, bool includeRecurrent)
    {
        Wb.CopyTo(gates);
        BlockMath<T>.AddProduct(x, WT, Rows, 0, gates);
        if (!includeRecurrent) return;
        for (int k = 0; k < gates.Length; k++) gates[k] += Rb[k];
        BlockMath<T>.AddProduct(h, RT, Rows, 0, gates);
    }

    /// <summary>Gradients of the input-side product: dW += x ⊗ dz, dWb += dz, dx += Wᵀ dz.</summary>
    protected void InputBackward(ReadOnlySpan<T> x, ReadOnlySpan<T> dz, Span<T> dx, T[][] grads)
    {
        BlockMath<T>.AddOuter(x, dz, grads[GradW], Rows, 0);
        AddTo(grads[GradWb], dz);
        if (!dx.IsEmpty) BlockMath<T>.AddTransposedProduct(dz, WT, Rows, 0, dx);
    }

    /// <summary>
    /// The first <paramref name="count"/> gate rows through σ, clipped first where the layer clips;
    /// returns the step's clip mask (empty without clip) for the rows after them and the backward pass.
    /// </summary>
    protected Span<T> SigmoidGates(LayerTape<T> tape, SequenceShape s, int t, int b, Span<T> gates, int count)
    {
        var mask = HasClip ? tape.MaskAt(s, t, b) : default;
        var rows = gates[..count];
        if (HasClip) BlockMath<T>.Clip(rows, mask[..count], ClipValue);
        TensorPrimitives.Sigmoid(rows, rows);
        return mask;
    }

    protected static void AddTo(Span<T> target, ReadOnlySpan<T> values)
    {
        for (int k = 0; k < values.Length; k++) target[k] += values[k];
    }

    protected static T[] Convert(float[] values) => values.Select(v => T.CreateChecked(v)).ToArray();

    protected static float[] ToFloat(T[] values) => values.Select(v => float.CreateChecked(v)).ToArray();
}
