using BenchmarkDotNet.Attributes;
using EdgeLstm.Core.Float;
using EdgeLstm.Core.Integer;

namespace EdgeLstm.Bench;

/// <summary>
/// Streaming, one sample per step, per shape: our integer engine (widest kernels and scalar),
/// our float reference, and ONNX Runtime. Each invocation runs <see cref="Steps"/> steps over a
/// ring of pre-generated samples, so the reported Mean is the time of one step.
/// </summary>
[MemoryDiagnoser]
public class StepBenchmarks
{
    public const int Steps = 1000;

    private float[][] _ring = [];
    private IntegerSession _integerAuto = null!, _integerScalar = null!;
    private FloatSession _float = null!;
    private OrtStreamingSession _ort = null!;

    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "S";

    /// <summary>S, M, L, G, or the comma-separated list in EDGELSTM_BENCH_SHAPES (e.g. "M" for one shape's ratio).</summary>
    public static IEnumerable<string> Shapes =>
        Environment.GetEnvironmentVariable("EDGELSTM_BENCH_SHAPES") is { Length: > 0 } list
            ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : ["S", "M", "L", "G"];

    [GlobalSetup]
    public void Setup()
    {
        var model = BenchModels.Create(Shape);
        _ring = BenchModels.InputRing(model.InputSize);
        _integerAuto = model.CreateIntegerSession(KernelChoice.Auto);
        _integerScalar = model.CreateIntegerSession(KernelChoice.Scalar);
        _float = model.CreateFloatSession();
        _ort = new OrtStreamingSession(model.Float!);
    }

    [GlobalCleanup]
    public void Cleanup() => _ort.Dispose();

    [Benchmark(OperationsPerInvoke = Steps, Description = "Integer (Auto)")]
    public int IntegerAuto()
    {
        var s = _integerAuto;
        var ring = _ring;
        for (int i = 0; i < Steps; i++) s.Step(ring[i & (BenchModels.RingSize - 1)]);
        return s.Predicted;
    }

    [Benchmark(OperationsPerInvoke = Steps, Description = "Integer (Scalar)")]
    public int IntegerScalar()
    {
        var s = _integerScalar;
        var ring = _ring;
        for (int i = 0; i < Steps; i++) s.Step(ring[i & (BenchModels.RingSize - 1)]);
        return s.Predicted;
    }

    [Benchmark(OperationsPerInvoke = Steps, Description = "Float reference")]
    public int FloatReference()
    {
        var s = _float;
        var ring = _ring;
        for (int i = 0; i < Steps; i++) s.Step(ring[i & (BenchModels.RingSize - 1)]);
        return s.Predicted;
    }

    [Benchmark(OperationsPerInvoke = Steps, Baseline = true, Description = "ONNX Runtime")]
    public float OnnxRuntime()
    {
        var s = _ort;
        var ring = _ring;
        for (int i = 0; i < Steps; i++) s.Step(ring[i & (BenchModels.RingSize - 1)]);
        return s.Logits[0];
    }
}
