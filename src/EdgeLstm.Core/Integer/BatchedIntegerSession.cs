namespace EdgeLstm.Core.Integer;

/// <summary>
/// The integer engine over up to <see cref="Capacity"/> streams (lanes) of one model, stepped
/// together (docs/batching.md). <see cref="Step"/> steps any subset of the lanes, each with its
/// own sample, in one call: per layer one <see cref="IntegerKernels.MatMat"/> per weight matrix
/// for all of them (the weights stream from memory once per call instead of once per stream),
/// then per lane the same update kernels as the single-stream unfused step. Every lane's logits,
/// hidden and cell states are bit-identical to an <see cref="IntegerSession"/> fed the same
/// samples and resets, on every kernel choice (tests). Lanes are independent: a lane that is not
/// in a call keeps its state; <see cref="Reset(int)"/> starts a new stream on a lane.
/// All state and scratch for Capacity lanes is allocated at construction; Step and Reset
/// allocate nothing.
/// Kinds with a batched step: LSTM (every variant), GRU (both linear_before_reset), Elman RNN.
/// A model with another kind of layer, or an attention head, runs one IntegerSession per lane
/// instead (<see cref="IsBatched"/> false): the same bits, no batching.
/// </summary>
public sealed unsafe class BatchedIntegerSession
{
    private readonly QuantizedNetwork _network;
    private readonly IntegerKernels _kernels;
    private readonly PinnedArena _arena = new();
    private readonly int _capacity, _inputs, _outputs, _layerCount;
    private readonly long[] _stamp;
    private long _call;

    // Lane by lane, one session each (kinds without a batched step).
    private readonly IntegerSession[]? _sessions;

    // Batched: the layers' steps (weights, constants, per-lane accumulators), the head, and per lane
    // (index layer * capacity + lane) the state; per call the tables of the stepping lanes' buffers.
    private readonly IntegerCellStep[] _layers = [];
    private readonly PreparedMatrix _head = null!;
    private readonly int* _headBias;
    private readonly float* _offset, _multiplier;
    private readonly short** _input, _hidden, _slotInput, _slotHidden;
    private readonly int** _cell, _logits, _slotCell, _slotHeadAcc;

    /// <summary>
    /// Lanes per pass through the layers: a call runs its lanes in tiles of this many, so the
    /// accumulators (a few KB per lane) stay in L1 and L2 however many lanes step; each tile reads
    /// the weights once (from L2 after the first). Measured on M at K = 64 (docs/batching.md): 16
    /// lanes per tile against 4, 8 and all 64 at once.
    /// </summary>
    public const int Tile = 16;

    public BatchedIntegerSession(QuantizedNetwork network, int capacity, KernelChoice kernels = KernelChoice.Auto)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _network = network;
        _capacity = capacity;
        _inputs = network.InputSize;
        _outputs = network.OutputSize;
        _layerCount = network.Layers.Count;
        _stamp = new long[capacity];
        // Unfused kernels: a fused step interleaves one stream's products with its update.
        _kernels = KernelSupport.Create(kernels, fuses: false);
        int* sigmoid = _arena.Copy<int>(ActivationTable.Sigmoid.Packed), tanh = _arena.Copy<int>(ActivationTable.Tanh.Packed);
        var layers = new IntegerCellStep[_layerCount];
        for (int i = 0; i < layers.Length; i++)
            layers[i] = network.Layers[i].Definition.CreateIntegerStep(network.Layers[i], _kernels, _arena, sigmoid, tanh, i > 0 ? layers[i - 1] : null);
        if (network.Attention is not null || !layers.All(l => l.Batches))
        {
            _sessions = new IntegerSession[capacity];
            for (int l = 0; l < capacity; l++) _sessions[l] = new IntegerSession(network, kernels);
            return;
        }
        _layers = layers;
        foreach (var l in layers) l.PrepareLanes(Math.Min(capacity, Tile));
        _head = _kernels.Prepare(network.Head.W, _arena);
        _headBias = _arena.Copy<int>(network.Head.Bias, _head.RowsPadded);
        _offset = _arena.Copy<float>(network.InputOffset);
        _multiplier = _arena.Copy<float>(network.InputMultiplier);
        _input = _arena.Table<short>(capacity, _inputs);
        _logits = _arena.Table<int>(capacity, _head.RowsPadded); // the head's requantization runs over whole padded vectors
        _hidden = (short**)_arena.Allocate<nint>(_layerCount * capacity);
        _cell = (int**)_arena.Allocate<nint>(_layerCount * capacity);
        for (int i = 0; i < _layerCount; i++)
            for (int l = 0; l < capacity; l++)
            {
                _hidden[i * capacity + l] = _arena.Allocate<short>(layers[i].HiddenLength);
                _cell[i * capacity + l] = _arena.Allocate<int>(layers[i].PaddedUnits);
            }
        _slotInput = (short**)_arena.Allocate<nint>(capacity);
        _slotHidden = (short**)_arena.Allocate<nint>(_layerCount * capacity);
        _slotCell = (int**)_arena.Allocate<nint>(_layerCount * capacity);
        _slotHeadAcc = _arena.Table<int>(Math.Min(capacity, Tile), _head.RowsPadded);
    }

    /// <summary>How many lanes (streams) the session holds.</summary>
    public int Capacity => _capacity;
    public int InputSize => _inputs;
    public int OutputSize => _outputs;
    public int LayerCount => _layerCount;

    /// <summary>Whether the lanes step batched (every layer's kind has a batched step and the head is dense), else one session per lane.</summary>
    public bool IsBatched => _sessions is null;

    /// <summary>Which kernels run: "scalar", "Vector256/AVX2", ...</summary>
    public string KernelName => _sessions is null ? _kernels.Name : _sessions[0].KernelName;

    /// <summary>Bytes of prepared weights, tables, state and scratch this session holds (lane sessions included).</summary>
    public long MemoryBytes => _arena.AllocatedBytes + (_sessions?.Sum(s => s.MemoryBytes) ?? 0);

    /// <summary>A lane's logits after its last step, Q.12 (real = value / 4096); zeros after a reset.</summary>
    public ReadOnlySpan<int> Logits(int lane)
    {
        CheckLane(lane);
        return _sessions is null ? new(_logits[lane], _outputs) : _sessions[lane].Logits;
    }

    public int Predicted(int lane) => ArgMax.Of(Logits(lane));

    /// <summary>Softmax of a lane's logits (a float view for emitting scores; not part of the integer step).</summary>
    public void GetProbabilities(int lane, Span<float> destination) => IntegerSession.Probabilities(Logits(lane), destination);

    /// <summary>A lane's hidden state of layer k, Q15.</summary>
    public ReadOnlySpan<short> Hidden(int lane, int layer)
    {
        CheckLane(lane);
        CheckLayer(layer);
        return _sessions is null ? new(_hidden[layer * _capacity + lane], _network.Layers[layer].HiddenSize) : _sessions[lane].Hidden(layer);
    }

    /// <summary>A lane's memory cell of layer k in the layer's cell format (zeros for kinds without one).</summary>
    public ReadOnlySpan<int> Cell(int lane, int layer)
    {
        CheckLane(lane);
        CheckLayer(layer);
        return _sessions is null ? new(_cell[layer * _capacity + lane], _network.Layers[layer].HiddenSize) : _sessions[lane].Cell(layer);
    }

    /// <summary>Back to the zero state on one lane: a new stream joins there.</summary>
    public void Reset(int lane)
    {
        CheckLane(lane);
        if (_sessions is not null)
        {
            _sessions[lane].Reset();
            return;
        }
        for (int i = 0; i < _layerCount; i++)
        {
            new Span<short>(_hidden[i * _capacity + lane], _layers[i].HiddenLength).Clear();
            new Span<int>(_cell[i * _capacity + lane], _layers[i].PaddedUnits).Clear();
        }
        new Span<int>(_logits[lane], _head.RowsPadded).Clear();
    }

    /// <summary>Resets every lane of lanes.</summary>
    public void Reset(ReadOnlySpan<int> lanes)
    {
        foreach (int lane in lanes) Reset(lane);
    }

    /// <summary>
    /// Steps the given lanes (distinct, any subset of [0, Capacity), in any order), lane lanes[j]
    /// with the raw sample samples[j * InputSize .. (j + 1) * InputSize).
    /// </summary>
    public void Step(ReadOnlySpan<int> lanes, ReadOnlySpan<float> samples)
    {
        if (samples.Length != lanes.Length * _inputs)
            throw new ArgumentException($"{samples.Length} sample values for {lanes.Length} lanes; the model takes {_inputs} per lane", nameof(samples));
        fixed (float* x = samples) Run(lanes, x, _inputs, null);
    }

    /// <summary>The integer-only step of the given lanes over already quantized int16 inputs, laid out as in <see cref="Step"/>.</summary>
    public void StepQuantized(ReadOnlySpan<int> lanes, ReadOnlySpan<short> inputs)
    {
        if (inputs.Length != lanes.Length * _inputs)
            throw new ArgumentException($"{inputs.Length} input values for {lanes.Length} lanes; the model takes {_inputs} per lane", nameof(inputs));
        fixed (short* q = inputs) Run(lanes, null, 0, q);
    }

    /// <summary>
    /// A windowed model's windows, re-run in one batch: resets the lanes, then steps them together
    /// through their windows, lane lanes[j]'s window being the length samples at
    /// windows[j * length * InputSize ..] (sample after sample). Afterwards each lane's logits are its
    /// window's classification, the same as a session reset and stepped through that window.
    /// </summary>
    public void RunWindows(ReadOnlySpan<int> lanes, ReadOnlySpan<float> windows, int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        if (windows.Length != lanes.Length * length * _inputs)
            throw new ArgumentException($"{windows.Length} values for {lanes.Length} windows of {length} samples; the model takes {_inputs} per sample", nameof(windows));
        CheckLanes(lanes);
        Reset(lanes);
        fixed (float* x = windows)
            for (int t = 0; t < length; t++) Run(lanes, x + t * _inputs, length * _inputs, null);
    }

    /// <summary>One batched step: lanes[j]'s input at samples + j * stride (raw) or quantized + j * InputSize.</summary>
    private void Run(ReadOnlySpan<int> lanes, float* samples, int stride, short* quantized)
    {
        int n = lanes.Length;
        CheckLanes(lanes);
        if (_sessions is not null)
        {
            for (int j = 0; j < n; j++)
                if (samples is not null) _sessions[lanes[j]].Step(new ReadOnlySpan<float>(samples + j * stride, _inputs));
                else _sessions[lanes[j]].StepQuantized(new ReadOnlySpan<short>(quantized + j * _inputs, _inputs));
            return;
        }
        int cap = _capacity;
        for (int j = 0; j < n; j++)
        {
            int lane = lanes[j];
            short* input = _slotInput[j] = _input[lane];
            if (samples is not null) _kernels.QuantizeInput(samples + j * stride, _offset, _multiplier, input, _inputs);
            else new ReadOnlySpan<short>(quantized + j * _inputs, _inputs).CopyTo(new Span<short>(input, _inputs));
            for (int i = 0; i < _layerCount; i++)
            {
                _slotHidden[i * cap + j] = _hidden[i * cap + lane];
                _slotCell[i * cap + j] = _cell[i * cap + lane];
            }
        }
        for (int first = 0; first < n; first += Tile) RunTile(lanes, first, Math.Min(Tile, n - first));
    }

    /// <summary>Every layer and the head for the stepping lanes [first, first + count) (slots of the call).</summary>
    private void RunTile(ReadOnlySpan<int> lanes, int first, int count)
    {
        int cap = _capacity;
        short** x = _slotInput + first;
        for (int i = 0; i < _layerCount; i++)
        {
            _layers[i].StepLanes(count, x, _slotHidden + i * cap + first, _slotCell + i * cap + first);
            x = _slotHidden + i * cap + first;
        }
        _kernels.MatMat(_head, x, _slotHeadAcc, count);
        // Padded rows have zero weights, constants and bias, so their logits are 0 and nobody reads them.
        for (int j = 0; j < count; j++)
            _kernels.RequantAdd(_slotHeadAcc[j], _head.Requant, _headBias, int.MinValue, int.MaxValue, _logits[lanes[first + j]], _head.RowsPadded);
    }

    /// <summary>Refuses a lane out of range or twice in lanes (before anything is stepped or reset).</summary>
    private void CheckLanes(ReadOnlySpan<int> lanes)
    {
        _call++;
        foreach (int lane in lanes)
        {
            CheckLane(lane);
            if (_stamp[lane] == _call) throw new ArgumentException($"lane {lane} appears twice in one step", nameof(lanes));
            _stamp[lane] = _call;
        }
    }

    private void CheckLayer(int layer)
    {
        if ((uint)layer >= (uint)_layerCount) throw new ArgumentOutOfRangeException(nameof(layer), layer, $"layers are 0 to {_layerCount - 1}");
    }

    private void CheckLane(int lane)
    {
        if ((uint)lane >= (uint)_capacity) throw new ArgumentOutOfRangeException(nameof(lane), lane, $"lanes are 0 to {_capacity - 1}");
    }
}
