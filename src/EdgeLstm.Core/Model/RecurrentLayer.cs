namespace EdgeLstm.Core.Model;

/// <summary>
/// One unidirectional recurrent layer in float32, laid out exactly as the ONNX operators lay it
/// out: W is [gates*H, I] row-major, R is [gates*H, H], the bias halves Wb and Rb are [gates*H],
/// peepholes are [3*H] in the order i, o, f.
/// </summary>
public sealed class RecurrentLayer
{
    public RecurrentLayer(CellKind kind, int inputSize, int hiddenSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        Kind = kind;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        int rows = Gates.Count(kind) * hiddenSize;
        W = new float[rows * inputSize];
        R = new float[rows * hiddenSize];
        Wb = new float[rows];
        Rb = new float[rows];
    }

    public CellKind Kind { get; }
    public int InputSize { get; }
    public int HiddenSize { get; }

    /// <summary>Number of gate rows: gates * hidden size.</summary>
    public int Rows => Gates.Count(Kind) * HiddenSize;

    public float[] W { get; }
    public float[] R { get; }
    public float[] Wb { get; }
    public float[] Rb { get; }

    /// <summary>LSTM peepholes [3*H] (i, o, f), or null.</summary>
    public float[]? Peepholes { get; set; }

    /// <summary>LSTM only: couple the input and forget gates, f = 1 - i (CIFG).</summary>
    public bool InputForget { get; set; }

    /// <summary>GRU only: apply the reset gate after the recurrent matmul (the PyTorch/Keras form).</summary>
    public bool LinearBeforeReset { get; set; } = true;

    /// <summary>ONNX clip: gate pre-activations are clamped to [-Clip, Clip]; 0 means no clip.</summary>
    public float Clip { get; set; }

    /// <summary>Clockwork only: the module periods, strictly increasing; the hidden units split into equal modules, fastest first.</summary>
    public int[]? Periods { get; set; }

    /// <summary>Depth-gated LSTM only: the gate from the lower layer's cell.</summary>
    public DepthGate? Depth { get; set; }

    /// <summary>Clockwork: units per module.</summary>
    public int ModuleSize => Periods is { Length: > 0 } p ? HiddenSize / p.Length : HiddenSize;

    /// <summary>The user-facing variant name: rnn, lstm, peephole, cifg, gru, gru-lbr0.</summary>
    public string VariantName => Kind switch
    {
        CellKind.Rnn => "rnn",
        CellKind.Lstm when InputForget => Peepholes is null ? "cifg" : "cifg-peephole",
        CellKind.Lstm => Peepholes is null ? "lstm" : "peephole",
        CellKind.Gru => LinearBeforeReset ? "gru" : "gru-lbr0",
        CellKind.Clockwork => "clockwork",
        CellKind.DepthGated => "depth-gated",
        _ => "unknown",
    };

    /// <summary>Multiply-accumulates of a step that updates everything (matrix products and peepholes).</summary>
    public long MacsPerStep => PeakMacs(Kind, InputSize, HiddenSize, Peepholes is not null, Periods);

    /// <summary>Multiply-accumulates per step on average over a long stream (below the peak only for Clockwork RNN).</summary>
    public double AverageMacsPerStep => AverageMacs(Kind, InputSize, HiddenSize, Peepholes is not null, Periods);

    /// <summary>The cost model of a layer's shape, shared with its integer form (no weights needed).</summary>
    internal static long PeakMacs(CellKind kind, int inputs, int hidden, bool peepholes, int[]? periods) => kind == CellKind.Clockwork
        ? ClockworkCost.PeakMacs(inputs, hidden, periods!)
        : (long)Gates.Count(kind) * hidden * (inputs + hidden) + (peepholes ? 3L * hidden : 0)
          + (kind == CellKind.DepthGated ? (long)hidden * (inputs + 3) : 0);

    internal static double AverageMacs(CellKind kind, int inputs, int hidden, bool peepholes, int[]? periods) => kind == CellKind.Clockwork
        ? ClockworkCost.AverageMacs(inputs, hidden, periods!)
        : PeakMacs(kind, inputs, hidden, peepholes, periods);

    public long ParameterCount => W.Length + R.Length + Wb.Length + Rb.Length + (Peepholes?.Length ?? 0) + (Depth?.ParameterCount ?? 0);
}
