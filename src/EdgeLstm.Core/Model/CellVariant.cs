namespace EdgeLstm.Core.Model;

/// <summary>The user-facing cell names (`train --cell`, `bench`) and the layer options they stand for.</summary>
public static class CellVariant
{
    public static readonly IReadOnlyList<string> Names = ["rnn", "lstm", "peephole", "cifg", "gru", "gru-lbr0"];

    public static RecurrentLayer CreateLayer(string variant, int inputSize, int hiddenSize) => variant switch
    {
        "rnn" => new RecurrentLayer(CellKind.Rnn, inputSize, hiddenSize),
        "lstm" => new RecurrentLayer(CellKind.Lstm, inputSize, hiddenSize),
        "peephole" => new RecurrentLayer(CellKind.Lstm, inputSize, hiddenSize) { Peepholes = new float[3 * hiddenSize] },
        "cifg" => new RecurrentLayer(CellKind.Lstm, inputSize, hiddenSize) { InputForget = true },
        "gru" => new RecurrentLayer(CellKind.Gru, inputSize, hiddenSize) { LinearBeforeReset = true },
        "gru-lbr0" => new RecurrentLayer(CellKind.Gru, inputSize, hiddenSize) { LinearBeforeReset = false },
        _ => throw new ArgumentException($"unknown cell '{variant}' (expected one of {string.Join(", ", Names)})", nameof(variant)),
    };
}
