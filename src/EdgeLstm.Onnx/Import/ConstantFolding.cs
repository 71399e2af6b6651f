using EdgeLstm.Onnx.Proto;
using static EdgeLstm.Onnx.Proto.AttributeProto.Types;

namespace EdgeLstm.Onnx.Import;

/// <summary>
/// The nodes of an exported graph that do not depend on sample values: Constant nodes and
/// rearrangements of constants are folded (weights an exporter left unfolded), zeros stay zeros
/// through the shape plumbing exporters build initial states with (ConstantOfShape, Expand,
/// Slice, Gather, Concat, ...), and anything else becomes opaque shape arithmetic, which is
/// only an error if a weight or state turns out to need it.
/// </summary>
internal static class ConstantFolding
{
    public static SymbolicValue Evaluate(NodeProto node, SymbolicValue?[] inputs, string where)
    {
        var first = inputs.FirstOrDefault();
        bool zeroData = first is ZeroValue || (first is ConstantValue c && c.Tensor.IsAllZero);
        switch (node.OpType)
        {
            case "Constant":
                return ConstantAttribute(node) is { } t ? new ConstantValue(t) : new ShapeDerivedValue();
            case "ConstantOfShape":
                var value = node.Attribute.FirstOrDefault(a => a.Name == "value")?.T;
                return value is null || OnnxTensor.FromProto(value).IsAllZero ? new ZeroValue() : new ShapeDerivedValue();
            case "Identity" or "Cast" or "Dropout":
                return first ?? new ShapeDerivedValue();
            case "Reshape" or "Squeeze" or "Unsqueeze" or "Flatten" when first is ConstantValue data:
                return Regrouped(node, inputs, data.Tensor) is { } r ? new ConstantValue(r) : new ShapeDerivedValue();
            case "Transpose" when first is ConstantValue { Tensor: { Rank: 2, IsFloat: true } m }:
                return new ConstantValue(Transposed(m));
            case "Concat" when inputs.All(i => i is ZeroValue || (i is ConstantValue k && k.Tensor.IsAllZero)):
                return new ZeroValue();
            case "Reshape" or "Squeeze" or "Unsqueeze" or "Flatten" or "Transpose" or "Expand" or "Slice" or "Gather" or "Tile" when zeroData:
                return new ZeroValue();
            default:
                return new ShapeDerivedValue();
        }
    }

    private static OnnxTensor? ConstantAttribute(NodeProto node)
    {
        foreach (var a in node.Attribute)
        {
            switch (a.Name)
            {
                case "value": return OnnxTensor.FromProto(a.T);
                case "value_float": return new OnnxTensor([], [a.F]);
                case "value_floats": return new OnnxTensor([a.Floats.Count], a.Floats.ToArray());
                case "value_int": return new OnnxTensor([], [a.I]);
                case "value_ints": return new OnnxTensor([a.Ints.Count], a.Ints.ToArray());
            }
        }
        return null;
    }

    /// <summary>The same data under new dims (Reshape by a constant shape, Squeeze, Unsqueeze, Flatten), or null when not foldable.</summary>
    private static OnnxTensor? Regrouped(NodeProto node, SymbolicValue?[] inputs, OnnxTensor t)
    {
        long[]? Argument(string name, int index) =>
            node.Attribute.FirstOrDefault(a => a.Name == name && a.Type == AttributeType.Ints)?.Ints.ToArray()
            ?? (inputs.ElementAtOrDefault(index) as ConstantValue)?.Tensor.AsInts(name);
        var dims = t.Dims.ToList();
        switch (node.OpType)
        {
            case "Reshape":
                var shape = Argument("shape", 1);
                if (shape is null) return null;
                var result = shape.Select((d, i) => d == 0 && i < dims.Count ? dims[i] : d).ToArray();
                int unknown = Array.IndexOf(result, -1L);
                if (unknown >= 0) result[unknown] = t.Count / Math.Max(1, result.Where(d => d != -1).Aggregate(1L, (a, d) => a * d));
                return result.Aggregate(1L, (a, d) => a * d) == t.Count ? t.WithDims(result) : null;
            case "Squeeze":
                var squeeze = Argument("axes", 1);
                var keep = squeeze is null ? dims.Where(d => d != 1) : dims.Where((_, i) => !squeeze.Any(a => (a < 0 ? a + dims.Count : a) == i));
                return t.WithDims(keep.ToArray());
            case "Unsqueeze":
                var unsqueeze = Argument("axes", 1);
                if (unsqueeze is null) return null;
                int rank = dims.Count + unsqueeze.Length;
                foreach (long a in unsqueeze.Select(a => a < 0 ? a + rank : a).Order()) dims.Insert((int)a, 1);
                return t.WithDims([.. dims]);
            default: // Flatten
                long axis = node.Attribute.FirstOrDefault(a => a.Name == "axis")?.I ?? 1;
                if (axis < 0) axis += dims.Count;
                long outer = dims.Take((int)axis).Aggregate(1L, (a, d) => a * d);
                return t.WithDims([outer, t.Count / Math.Max(1, outer)]);
        }
    }

    private static OnnxTensor Transposed(OnnxTensor m)
    {
        int rows = (int)m.Dims[0], cols = (int)m.Dims[1];
        var values = new float[m.Floats!.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                values[c * rows + r] = m.Floats![r * cols + c];
        return new OnnxTensor([cols, rows], values);
    }
}
