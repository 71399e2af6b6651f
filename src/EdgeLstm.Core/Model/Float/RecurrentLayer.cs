using EdgeLstm.Core.Cells;

namespace EdgeLstm.Core.Model;

/// <summary>
/// One unidirectional recurrent layer in float32, laid out exactly as the ONNX operators lay it
/// out: W is [gates*H, I] row-major, R is [gates*H, H], the bias halves Wb and Rb are [gates*H],
/// peepholes are [3*H] in the order i, o, f.
/// </summary>
public sealed class RecurrentLayer : ILayerShape
{
    public RecurrentLayer(CellKind kind, int inputSize, int hiddenSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        Kind = kind;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        int rows = CellRegistry.For(kind).GateCount * hiddenSize;
        W = new float[rows * inputSize];
        R = new float[rows * hiddenSize];
        Wb = new float[rows];
        Rb = new float[rows];
    }

    public CellKind Kind { get; }

    /// <summary>What is particular to the layer's kind.</summary>
    public CellDefinition Definition => CellRegistry.For(Kind);
    public int InputSize { get; }
    public int HiddenSize { get; }

    /// <summary>Number of gate rows: gates * hidden size.</summary>
    public int Rows => Definition.GateCount * HiddenSize;

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

    /// <summary>The user-facing variant name: rnn, lstm, peephole, cifg, cifg-peephole, gru, gru-lbr0, clockwork, depth-gated.</summary>
    public string VariantName => Definition.VariantName(Peepholes is not null, InputForget, LinearBeforeReset);

    /// <summary>Multiply-accumulates of a step that updates everything (matrix products and peepholes).</summary>
    public long MacsPerStep => Definition.PeakMacs(InputSize, HiddenSize, Peepholes is not null, Periods);

    /// <summary>Multiply-accumulates per step on average over a long stream (below the peak only for Clockwork RNN).</summary>
    public double AverageMacsPerStep => Definition.AverageMacs(InputSize, HiddenSize, Peepholes is not null, Periods);

    public long ParameterCount => W.Length + R.Length + Wb.Length + Rb.Length + (Peepholes?.Length ?? 0) + (Depth?.ParameterCount ?? 0);
}
