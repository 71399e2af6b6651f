namespace EdgeLstm.Core.Float;

/// <summary>
/// The float32 reference step of one recurrent layer, made by its kind's definition
/// (<see cref="Cells.CellDefinition.CreateFloatStep"/>): each kind follows its equations literally
/// (the ONNX operators' where ONNX defines the cell) in a fixed summation order, so results are
/// deterministic. A step owns the layer's state (h, and c where the kind has a memory cell; c
/// stays zero otherwise) and its scratch, allocated once; Step and Reset allocate nothing.
/// </summary>
internal abstract class FloatCellStep
{
    protected FloatCellStep(RecurrentLayer layer)
    {
        Layer = layer;
        Hidden = new float[layer.HiddenSize];
        Cell = new float[layer.HiddenSize];
    }

    protected RecurrentLayer Layer { get; }

    public float[] Hidden { get; }
    public float[] Cell { get; }

    /// <summary>Back to the zero state (and, for kinds that count steps, step 0).</summary>
    public virtual void Reset()
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

    /// <summary>One step: x is the layer's input (the normalized sample or the hidden state below).</summary>
    public abstract void Step(ReadOnlySpan<float> x);
}
