namespace EdgeLstm.Onnx.Conformance;

/// <summary>
/// Max abs errors of one case's output against the expected values: the float reference, the
/// integer engine, and the floor (the float engine on the integer model's dequantized weights:
/// the error the rounding of the weights alone causes). <see cref="IntegerSkipReason"/> is set when
/// the case is outside the integer engine's contract (e.g. an initial_h outside [-1, 1], which the
/// Q0.15 hidden state saturates): the integer error is still measured and reported, but not judged.
/// </summary>
public sealed record ConformanceResult(string Case, string Output, double FloatError, double IntError, double FloorError, string? IntegerSkipReason = null)
{
    /// <summary>The float reference's limit against the specification.</summary>
    public const double FloatLimit = 1e-5;

    /// <summary>What the integer arithmetic may add to the floor (DESIGN.md section 3).</summary>
    public const double IntegerMargin = 2e-3;

    /// <summary>The integer engine's absolute limit.</summary>
    public const double IntegerLimit = 2e-2;

    public bool FloatPassed => FloatError <= FloatLimit;

    public bool IntegerPassed => IntError <= FloorError + IntegerMargin && IntError <= IntegerLimit;

    /// <summary>The integer engine was not judged: the case is outside its contract.</summary>
    public bool IntegerSkipped => IntegerSkipReason is not null;

    /// <summary>Both engines were judged and are within their limits.</summary>
    public bool Passed => FloatPassed && !IntegerSkipped && IntegerPassed;

    /// <summary>An engine that was judged is out of its limits (the float engine always is judged).</summary>
    public bool Failed => !FloatPassed || (!IntegerSkipped && !IntegerPassed);

    /// <summary>PASS, FAIL, or SKIP (the float engine passed; the integer engine is outside its contract here).</summary>
    public string Verdict => Failed ? "FAIL" : IntegerSkipped ? "SKIP" : "PASS";
}
