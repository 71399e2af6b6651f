namespace EdgeLstm.Onnx.Conformance;

/// <summary>
/// Max abs errors of one case's output against the expected values: the float reference, the
/// integer engine, and the floor (the float engine on the integer model's dequantized weights:
/// the error the rounding of the weights alone causes).
/// </summary>
public sealed record ConformanceResult(string Case, string Output, double FloatError, double IntError, double FloorError)
{
    /// <summary>The float reference's limit against the specification.</summary>
    public const double FloatLimit = 1e-5;

    /// <summary>What the integer arithmetic may add to the floor (DESIGN.md section 3).</summary>
    public const double IntegerMargin = 2e-3;

    /// <summary>The integer engine's absolute limit.</summary>
    public const double IntegerLimit = 2e-2;

    public bool Passed => FloatError <= FloatLimit && IntError <= FloorError + IntegerMargin && IntError <= IntegerLimit;
}
