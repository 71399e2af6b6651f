using EdgeLstm.Core.Model;
using EdgeLstm.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLstm.Bench;

/// <summary>
/// ONNX Runtime running <see cref="OnnxModelBuilder.BuildStreamingStep"/> one step per call, set up
/// for the least per-step overhead: one intra-op thread, all graph optimizations, inputs and outputs
/// bound once (<see cref="OrtIoBinding"/>) to OrtValues over pinned, pre-allocated buffers. After each
/// run the state outputs are copied into the state inputs. Takes the already normalized sample.
/// </summary>
public sealed class OrtStreamingSession : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtIoBinding _binding;
    private readonly List<OrtValue> _values = [];
    private readonly float[] _x, _logits;
    private readonly float[][] _stateIn, _stateOut;
    private readonly int[] _hiddenIndex, _cellIndex;  // per layer: index into the state arrays (-1: none)

    public OrtStreamingSession(FloatNetwork network)
    {
        _options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(OnnxModelBuilder.BuildStreamingStep(network), _options);
        _binding = _session.CreateIoBinding();

        _x = Bind(input: true, "x", network.InputSize, 1, 1, network.InputSize);
        _logits = Bind(input: false, "logits", network.OutputSize, 1, network.OutputSize);
        var stateIn = new List<float[]>();
        var stateOut = new List<float[]>();
        _hiddenIndex = new int[network.Layers.Count];
        _cellIndex = new int[network.Layers.Count];
        for (int k = 0; k < network.Layers.Count; k++)
        {
            var layer = network.Layers[k];
            int h = layer.HiddenSize;
            _hiddenIndex[k] = stateIn.Count;
            stateIn.Add(Bind(input: true, $"h{k}", h, 1, 1, h));
            stateOut.Add(Bind(input: false, $"h{k}_out", h, 1, 1, h));
            _cellIndex[k] = -1;
            if (layer.Kind == CellKind.Lstm)
            {
                _cellIndex[k] = stateIn.Count;
                stateIn.Add(Bind(input: true, $"c{k}", h, 1, 1, h));
                stateOut.Add(Bind(input: false, $"c{k}_out", h, 1, 1, h));
            }
        }
        _stateIn = [.. stateIn];
        _stateOut = [.. stateOut];
    }

    public ReadOnlySpan<float> Logits => _logits;

    /// <summary>Layer k's hidden state after the last step.</summary>
    public ReadOnlySpan<float> Hidden(int layer) => _stateIn[_hiddenIndex[layer]];

    /// <summary>Layer k's cell state after the last step (empty for RNN and GRU layers).</summary>
    public ReadOnlySpan<float> Cell(int layer) => _cellIndex[layer] < 0 ? [] : _stateIn[_cellIndex[layer]];

    public void Reset()
    {
        foreach (var s in _stateIn) Array.Clear(s);
    }

    public void Step(ReadOnlySpan<float> normalizedSample)
    {
        normalizedSample.CopyTo(_x);
        _session.RunWithBinding(_runOptions, _binding);
        for (int i = 0; i < _stateIn.Length; i++) _stateOut[i].AsSpan().CopyTo(_stateIn[i]);
    }

    private float[] Bind(bool input, string name, int length, params long[] shape)
    {
        var buffer = new float[length];
        var value = OrtValue.CreateTensorValueFromMemory(buffer, shape);
        _values.Add(value);
        if (input) _binding.BindInput(name, value);
        else _binding.BindOutput(name, value);
        return buffer;
    }

    public void Dispose()
    {
        _binding.Dispose();
        foreach (var v in _values) v.Dispose();
        _session.Dispose();
        _runOptions.Dispose();
        _options.Dispose();
    }
}
