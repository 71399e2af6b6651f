using System.Runtime.InteropServices;

namespace EdgeLstm.Core.Integer;

/// <summary>
/// The integer engine as a streaming session. <see cref="StepQuantized"/> is the integer-only
/// step: int16 input, int32 Q.12 logits out. <see cref="Step"/> adds the input boundary (raw
/// float sample to int16, the one float operation, see <see cref="QuantizedNetwork"/>).
/// Probabilities are a float view of the logits computed on request, outside the step.
/// State and scratch are allocated once; Step and Reset allocate nothing. With an attention head
/// a step scores and buffers the hidden state; the integer pooling and the dense head run when
/// the output is first read after a step, once per window in windowed use (docs/attention.md).
/// </summary>
public sealed unsafe class IntegerSession : IClassifierSession
{
    private readonly QuantizedNetwork _network;
    private readonly IntegerKernels _kernels;
    private readonly IntegerCellStep[] _runners;
    private readonly PreparedMatrix _head;
    private readonly int* _headAcc, _headBias, _logits, _sigmoid, _tanh;
    private readonly short* _input;
    private readonly float* _offset, _multiplier;
    private readonly PinnedArena _arena = new();
    private readonly int _inputs, _outputs;
    private readonly IntegerAttentionRunner? _attention;
    private readonly short* _context;
    private bool _headStale;

    public IntegerSession(QuantizedNetwork network, KernelChoice kernels = KernelChoice.Auto)
    {
        _network = network;
        _kernels = KernelSupport.Create(kernels);
        _sigmoid = _arena.Copy<int>(ActivationTable.Sigmoid.Packed);
        _tanh = _arena.Copy<int>(ActivationTable.Tanh.Packed);
        _runners = new IntegerCellStep[network.Layers.Count];
        for (int i = 0; i < _runners.Length; i++)
            _runners[i] = network.Layers[i].Definition.CreateIntegerStep(network.Layers[i], _kernels, _arena, _sigmoid, _tanh, i > 0 ? _runners[i - 1] : null);
        _head = _kernels.Prepare(network.Head.W, _arena);
        _inputs = network.InputSize;
        _outputs = network.OutputSize;
        _headAcc = Ints(_head.RowsPadded);
        _headBias = _arena.Copy<int>(network.Head.Bias, _head.RowsPadded);
        _logits = Ints(_head.RowsPadded); // the head's requantization runs over whole padded vectors
        _input = _arena.Allocate<short>(_inputs);
        _offset = _arena.Copy<float>(network.InputOffset);
        _multiplier = _arena.Copy<float>(network.InputMultiplier);
        if (network.Attention is not null)
        {
            _attention = new IntegerAttentionRunner(network.Attention, _kernels, _arena, _tanh);
            _context = _arena.Allocate<short>(network.Head.InputSize);
        }
    }

    public int InputSize => _inputs;
    public int OutputSize => _outputs;

    /// <summary>Which kernels run: "scalar", "Vector256/AVX2", ...</summary>
    public string KernelName => _kernels.Name;

    /// <summary>Logits of the last step, Q.12 (real = value / 4096).</summary>
    public ReadOnlySpan<int> Logits { get { RunHead(); return new(_logits, _outputs); } }

    /// <summary>What the dense head classified after the last step: the top hidden state or the Q15 attention context.</summary>
    public ReadOnlySpan<short> HeadInput { get { RunHead(); return _attention is null ? _runners[^1].HiddenSpan : new(_context, _network.Head.InputSize); } }

    /// <summary>The Q15 attention weights of the buffered window by ring slot (empty without an attention head).</summary>
    public ReadOnlySpan<int> AttentionWeights { get { RunHead(); return _attention is null ? default : _attention.Alpha; } }

    /// <summary>The int16 input of the last step.</summary>
    public ReadOnlySpan<short> QuantizedInput => new(_input, _inputs);

    public int LayerCount => _runners.Length;
    public ReadOnlySpan<short> Hidden(int layer) => _runners[layer].HiddenSpan;
    public ReadOnlySpan<int> Cell(int layer) => _runners[layer].CellSpan;
    public int CellFracBits(int layer) => _runners[layer].CellFracBits;

    public int Predicted => ArgMax.Of(Logits);

    /// <summary>Bytes of prepared weights, tables, state and scratch this session holds.</summary>
    public long MemoryBytes => _arena.AllocatedBytes;

    public void Reset()
    {
        foreach (var r in _runners) r.Reset();
        new Span<int>(_logits, _outputs).Clear();
        _attention?.Reset();
        _headStale = _attention is not null;
    }

    /// <summary>
    /// Sets layer k's hidden state (and LSTM cell state; empty means zeros) from real values, e.g.
    /// an ONNX model's initial_h and initial_c: h in Q15 (so |h| &lt;= 1), c in the layer's cell
    /// format, both saturated. Not part of the per-step path; Reset returns to zeros.
    /// </summary>
    public void SetState(int layer, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell)
    {
        Float.FloatSession.CheckState(_network.Layers[layer].HiddenSize, hidden, cell);
        _runners[layer].SetState(hidden, cell);
    }

    /// <summary>Raw sample to int16: saturate(round_half_even((x - offset) * multiplier)); NaN becomes 0.</summary>
    public void QuantizeInput(ReadOnlySpan<float> sample, Span<short> destination)
    {
        CheckSample(sample);
        if (destination.Length < _inputs)
            throw new ArgumentException($"destination has room for {destination.Length} values, the model takes {_inputs}", nameof(destination));
        fixed (short* q = destination) Quantize(sample, q);
    }

    public void Step(ReadOnlySpan<float> sample)
    {
        CheckSample(sample);
        Quantize(sample, _input);
        StepCore();
    }

    private void CheckSample(ReadOnlySpan<float> sample)
    {
        if (sample.Length != _inputs)
            throw new ArgumentException($"sample has {sample.Length} values, the model takes {_inputs}", nameof(sample));
    }

    /// <summary>The input boundary of a sample of the model's width into q.</summary>
    private void Quantize(ReadOnlySpan<float> sample, short* q)
    {
        fixed (float* x = sample)
            _kernels.QuantizeInput(x, _offset, _multiplier, q, _inputs);
    }

    /// <summary>The integer-only step over an already quantized int16 input.</summary>
    public void StepQuantized(ReadOnlySpan<short> input)
    {
        if (input.Length != _inputs)
            throw new ArgumentException($"input has {input.Length} values, the model takes {_inputs}", nameof(input));
        input.CopyTo(new Span<short>(_input, _inputs));
        StepCore();
    }

    private void StepCore()
    {
        short* x = _input;
        foreach (var r in _runners)
        {
            r.Step(x);
            x = r.Hidden;
        }
        if (_attention is null)
        {
            Classify(x);
            return;
        }
        _attention.Step(x);
        _headStale = true;
    }

    private void RunHead()
    {
        if (!_headStale) return;
        _headStale = false;
        _attention!.Pool(_context);
        Classify(_context);
    }

    private void Classify(short* x)
    {
        _kernels.MatVec(_head, x, _headAcc);
        // Padded rows have zero weights, constants and bias, so their logits are 0 and nobody reads them.
        _kernels.RequantAdd(_headAcc, _head.Requant, _headBias, int.MinValue, int.MaxValue, _logits, _head.RowsPadded);
    }

    /// <summary>Softmax of the logits (a float view for emitting scores; not part of the integer step).</summary>
    public void GetProbabilities(Span<float> destination)
    {
        RunHead();
        Probabilities(new ReadOnlySpan<int>(_logits, _outputs), destination);
    }

    /// <summary>Softmax of Q.12 logits into destination (float, outside the integer step).</summary>
    internal static void Probabilities(ReadOnlySpan<int> logits, Span<float> destination)
    {
        int max = int.MinValue;
        foreach (int l in logits) max = Math.Max(max, l);
        float sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            destination[i] = MathF.Exp((logits[i] - max) / 4096f);
            sum += destination[i];
        }
        for (int i = 0; i < logits.Length; i++) destination[i] /= sum;
    }

    private int* Ints(int n) => _arena.Allocate<int>(n);
}
