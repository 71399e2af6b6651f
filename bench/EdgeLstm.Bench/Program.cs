using System.Globalization;
using BenchmarkDotNet.Running;
using EdgeLstm.Bench;
using EdgeLstm.Core.Integer;

// dotnet run -c Release --project bench/EdgeLstm.Bench -- --filter '*' [--job short]
// dotnet run -c Release --project bench/EdgeLstm.Bench -- --check     (the ONNX sanity check only)
// EDGELSTM_BENCH_SHAPES=M dotnet run ...                                (one shape; default S,M,L,G)
// Every other argument is BenchmarkDotNet's own.

bool checkOnly = args.Contains("--check");
args = args.Where(a => a != "--check").ToArray();

Console.WriteLine($"Integer kernels (Auto): {KernelSupport.Resolve(KernelChoice.Auto)}; instruction sets: {InstructionSets.Describe()}");
Console.WriteLine($"ONNX sanity check: {OrtSanityCheck.Steps} steps, ONNX Runtime vs float reference, max |difference|");
bool passed = true;
foreach (var (name, model) in OrtSanityCheck.Cases())
{
    var r = OrtSanityCheck.Run(name, model);
    passed &= r.Passed;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {r.Name,-16} logits {r.MaxLogitDiff:E2}  state {r.MaxStateDiff:E2}  {(r.Passed ? "ok" : "FAILED")}"));
}
if (!passed)
{
    Console.Error.WriteLine($"ONNX sanity check failed: differences above {OrtSanityCheck.Tolerance:E0}; the ONNX graph does not match the float reference");
    return 1;
}
if (checkOnly) return 0;

BenchmarkSwitcher.FromAssembly(typeof(StepBenchmarks).Assembly).Run(args);
return 0;
