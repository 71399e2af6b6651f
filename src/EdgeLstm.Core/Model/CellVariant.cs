namespace EdgeLstm.Core.Model;

/// <summary>The user-facing cell names (`train --cell`, `bench`) and the layer options they stand for.</summary>
public static class CellVariant
{
    /// <summary>The cells every engine and the trainer support (`train --cell`): the ONNX cells, then the <see cref="Lineage"/>.</summary>
    public static readonly IReadOnlyList<string> Names = ["rnn", "lstm", "peephole", "cifg", "gru", "gru-lbr0", "clockwork", "depth-gated"];

    /// <summary>The cells of the lineage beyond ONNX's operators (no ONNX import or export for them).</summary>
    public static readonly IReadOnlyList<string> Lineage = ["clockwork", "depth-gated"];

    /// <summary>The cells ONNX's RNN, LSTM and GRU operators express.</summary>
    public static IEnumerable<string> OnnxNames => Names.Except(Lineage);

    public static RecurrentLayer CreateLayer(string variant, int inputSize, int hiddenSize) => variant switch
    {
        "rnn" => new RecurrentLayer(CellKind.Rnn, inputSize, hiddenSize),
        "lstm" => new RecurrentLayer(CellKind.Lstm, inputSize, hiddenSize),
        "peephole" => new RecurrentLayer(CellKind.Lstm, inputSize, hiddenSize) { Peepholes = new float[3 * hiddenSize] },
        "cifg" => new RecurrentLayer(CellKind.Lstm, inputSize, hiddenSize) { InputForget = true },
        "gru" => new RecurrentLayer(CellKind.Gru, inputSize, hiddenSize) { LinearBeforeReset = true },
        "gru-lbr0" => new RecurrentLayer(CellKind.Gru, inputSize, hiddenSize) { LinearBeforeReset = false },
        "depth-gated" => new RecurrentLayer(CellKind.DepthGated, inputSize, hiddenSize) { Depth = new DepthGate(inputSize, hiddenSize) },
        "clockwork" => new RecurrentLayer(CellKind.Clockwork, inputSize, hiddenSize) { Periods = ClockworkCost.DefaultPeriods(hiddenSize) },
        _ => throw new ArgumentException($"unknown cell '{variant}' (expected one of {string.Join(", ", Names)})", nameof(variant)),
    };
}
