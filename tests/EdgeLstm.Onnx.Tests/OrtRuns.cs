using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeLstm.Onnx.Tests;

/// <summary>Whole-sequence ONNX Runtime runs of test graphs: the oracle.</summary>
internal static class OrtRuns
{
    /// <summary>Runs a model in ONNX Runtime; returns every output as (data, dims).</summary>
    public static Dictionary<string, (float[] Data, long[] Dims)> Run(byte[] model, IEnumerable<NamedOnnxValue> inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(model, options);
        using var results = session.Run(inputs.ToList());
        return results.ToDictionary(r => r.Name, r =>
        {
            var t = r.AsTensor<float>();
            return (t.ToArray(), t.Dimensions.ToArray().Select(d => (long)d).ToArray());
        });
    }

    public static NamedOnnxValue FloatInput(string name, float[] data, params int[] dims) => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(data, dims));
    public static NamedOnnxValue IntInput(string name, int[] data, params int[] dims) => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<int>(data, dims));
}
