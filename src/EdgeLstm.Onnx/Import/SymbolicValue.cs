namespace EdgeLstm.Onnx.Import;

/// <summary>
/// What the whole-model importer knows about one value of the graph: a constant, zeros of a
/// run-time shape, a value computed from shapes only, or a view of the sample stream.
/// </summary>
internal abstract record SymbolicValue;

/// <summary>Known data: an initializer, a Constant node, or a folded rearrangement of them.</summary>
internal sealed record ConstantValue(OnnxTensor Tensor) : SymbolicValue;

/// <summary>All zeros of a shape only known at run time (ConstantOfShape, Expand of zeros): zero initial states.</summary>
internal sealed record ZeroValue : SymbolicValue;

/// <summary>Computed from constants and tensor shapes, not from sample values (Shape, Gather on shapes, Concat, ...).</summary>
internal sealed record ShapeDerivedValue : SymbolicValue;

/// <summary>The roles an axis of a stream value can have.</summary>
internal enum AxisKind
{
    /// <summary>The time axis: one entry per step.</summary>
    Time,

    /// <summary>The channel, hidden-unit or class axis.</summary>
    Feature,

    /// <summary>An axis of size 1: batch (one stream), direction, or one that was unsqueezed.</summary>
    Unit,

    /// <summary>One of the graph input's leading axes, time or batch, until a recurrent node's layout says which.</summary>
    Open,
}

/// <summary>An axis: its role, and for <see cref="AxisKind.Open"/> axes, its position in the graph input.</summary>
internal readonly record struct Axis(AxisKind Kind, int Origin = -1)
{
    public static readonly Axis Time = new(AxisKind.Time);
    public static readonly Axis Feature = new(AxisKind.Feature);
    public static readonly Axis Unit = new(AxisKind.Unit);

    public bool IsSignificant => Kind is AxisKind.Time or AxisKind.Feature or AxisKind.Open;

    public override string ToString() => Kind switch
    {
        AxisKind.Time => "time",
        AxisKind.Feature => "feature",
        AxisKind.Unit => "1",
        _ => "time-or-batch",
    };
}

/// <summary>How far along the network a stream value is.</summary>
internal enum StreamStage
{
    /// <summary>The (normalized) input samples.</summary>
    Input,

    /// <summary>The hidden state of recurrent layer <see cref="StreamValue.Layer"/>.</summary>
    Hidden,

    /// <summary>The head's logits.</summary>
    Logits,

    /// <summary>Softmax of the logits.</summary>
    Probabilities,
}

/// <summary>
/// A value computed from the input samples: which stage it is, how many features, the role of
/// each axis, and whether the time axis was reduced to the last step.
/// </summary>
internal sealed record StreamValue(StreamStage Stage, int Layer, int Features, Axis[] Axes, bool LastStep) : SymbolicValue
{
    public int Rank => Axes.Length;
    public int FeatureAxis => Array.FindIndex(Axes, a => a.Kind == AxisKind.Feature);
    public string AxesText => $"[{string.Join(", ", Axes)}]";

    public string Describe => Stage switch
    {
        StreamStage.Input => "the input samples",
        StreamStage.Hidden => $"the hidden states of recurrent layer {Layer}",
        StreamStage.Logits => "the head's logits",
        _ => "the class probabilities",
    } + (LastStep ? " (last step)" : "") + $" with axes {AxesText}";
}

/// <summary>
/// Stream values stacked along a size-1 axis by Concat: PyTorch's h_n, the final hidden states of
/// every layer ([layers, batch, H]). Only selecting the last part (<c>h_n[-1]</c>) is supported.
/// </summary>
internal sealed record StackedValue(StreamValue[] Parts, int Axis) : SymbolicValue;
