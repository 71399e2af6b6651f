using EdgeLstm.Core.Float;
using EdgeLstm.Core.Integer;
using EdgeLstm.Core.Numerics;

namespace EdgeLstm.Onnx.Conformance;

/// <summary>
/// One engine's session over a single-layer model, seen as the layer alone: set a state, step,
/// read the hidden and cell state back as real numbers. The session's head is ignored.
/// </summary>
public interface ILayerStepper
{
    void Reset();
    void SetState(ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell);
    void Step(ReadOnlySpan<float> x);
    void ReadHidden(Span<float> destination);
    void ReadCell(Span<float> destination);
}

/// <summary>The float32 reference engine.</summary>
public sealed class FloatLayerStepper(FloatSession session) : ILayerStepper
{
    public void Reset() => session.Reset();
    public void SetState(ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell) => session.SetState(0, hidden, cell);
    public void Step(ReadOnlySpan<float> x) => session.Step(x);
    public void ReadHidden(Span<float> destination) => session.Hidden(0).CopyTo(destination);
    public void ReadCell(Span<float> destination) => session.Cell(0).CopyTo(destination);
}

/// <summary>The integer engine: h read from Q15, c from the layer's cell format.</summary>
public sealed class IntegerLayerStepper(IntegerSession session) : ILayerStepper
{
    public void Reset() => session.Reset();
    public void SetState(ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell) => session.SetState(0, hidden, cell);
    public void Step(ReadOnlySpan<float> x) => session.Step(x);

    public void ReadHidden(Span<float> destination)
    {
        var h = session.Hidden(0);
        for (int k = 0; k < destination.Length; k++) destination[k] = h[k] / (float)QFormats.One15;
    }

    public void ReadCell(Span<float> destination)
    {
        var c = session.Cell(0);
        float scale = MathF.Pow(2, -session.CellFracBits(0));
        for (int k = 0; k < destination.Length; k++) destination[k] = c[k] * scale;
    }
}
