using EdgeLstm.Core.Cells;

namespace EdgeLstm.Core.Model;

/// <summary>The user-facing cell names (`train --cell`, `bench`) and the layer options they stand for.</summary>
public static class CellVariant
{
    /// <summary>The cells every engine and the trainer support (`train --cell`): the ONNX cells, then the <see cref="Lineage"/>.</summary>
    public static readonly IReadOnlyList<string> Names = [.. CellRegistry.All.Where(c => c.IsOnnx).Concat(CellRegistry.All.Where(c => !c.IsOnnx)).SelectMany(c => c.Variants)];

    /// <summary>The cells of the lineage beyond ONNX's operators (no ONNX import or export for them).</summary>
    public static readonly IReadOnlyList<string> Lineage = [.. CellRegistry.All.Where(c => !c.IsOnnx).SelectMany(c => c.Variants)];

    /// <summary>The cells ONNX's RNN, LSTM and GRU operators express.</summary>
    public static IEnumerable<string> OnnxNames => Names.Except(Lineage);

    /// <summary>A zero-weight layer of a variant of <see cref="Names"/>, made by its kind's definition.</summary>
    public static RecurrentLayer CreateLayer(string variant, int inputSize, int hiddenSize) =>
        (CellRegistry.ForVariant(variant) ?? throw new ArgumentException($"unknown cell '{variant}' (expected one of {string.Join(", ", Names)})", nameof(variant)))
        .CreateLayer(variant, inputSize, hiddenSize);
}
