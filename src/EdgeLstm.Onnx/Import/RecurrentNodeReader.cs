using System.Text;
using EdgeLstm.Core.Cells;
using EdgeLstm.Core.Model;
using EdgeLstm.Onnx.Proto;

namespace EdgeLstm.Onnx.Import;

/// <summary>
/// Maps an ONNX LSTM, GRU or RNN node (opsets 7 to 22) onto a <see cref="RecurrentLayer"/>:
/// W, R, B (the Wb and Rb halves), P (peepholes i, o, f), hidden_size, clip, input_forget,
/// linear_before_reset, layout, and the default activations. Core's layer uses the ONNX layout and
/// gate order (LSTM i, o, f, c; GRU z, r, h), so weights are copied unchanged. Everything the engines
/// cannot run (direction reverse or bidirectional, other activations, unknown attributes) is
/// rejected with a message naming the node and the attribute.
/// </summary>
public static class RecurrentNodeReader
{
    public static bool IsRecurrent(string opType) => CellRegistry.ForOnnxOperator(opType) is not null;

    /// <summary>Reads the node; <paramref name="constant"/> returns the value of an initializer or constant by name, or null.</summary>
    internal static RecurrentNode Read(NodeProto node, Func<string, OnnxTensor?> constant)
    {
        string where = Describe(node.Name, node.Output.FirstOrDefault(o => o.Length > 0) ?? "", node.OpType);
        var cell = CellRegistry.ForOnnxOperator(node.OpType) ?? throw new ModelException($"{where}: not an LSTM, GRU or RNN node");
        var schema = cell.Onnx!;
        if (!string.IsNullOrEmpty(node.Domain) && node.Domain != "ai.onnx")
            throw new ModelException($"{where}: operator domain '{node.Domain}' is not the ONNX default domain");
        int gates = cell.GateCount;
        var attributes = ReadAttributes(node, schema, where);

        string Input(int i) => i < node.Input.Count ? node.Input[i] : "";
        string Output(int i) => i < node.Output.Count ? node.Output[i] : "";
        OnnxTensor Weight(int index, string name, bool required)
        {
            string input = Input(index);
            if (input.Length == 0)
            {
                if (required) throw new ModelException($"{where}: input {name} is missing");
                return null!;
            }
            var t = constant(input) ?? throw new ModelException($"{where}: input {name} ('{input}') must be a constant (an initializer), not computed at run time");
            if (!t.IsFloat) throw new ModelException($"{where}: input {name} ('{input}') is not a float tensor");
            if (t.Rank == 0 || t.Dims[0] != 1)
                throw new ModelException($"{where}: input {name} has shape {t.ShapeText}; only direction=forward (num_directions = 1) is supported");
            return t;
        }

        var w = Weight(1, "W", required: true);
        var r = Weight(2, "R", required: true);
        if (w.Rank != 3 || r.Rank != 3) throw new ModelException($"{where}: W {w.ShapeText} and R {r.ShapeText} must be 3-D [1, {gates}*hidden, *]");
        int hidden = attributes.HiddenSize ?? (int)r.Dims[2];
        int input = (int)w.Dims[2];
        if (hidden <= 0 || input <= 0) throw new ModelException($"{where}: hidden_size {hidden} and input size {input} must be positive");
        if (w.Dims[1] != gates * hidden) throw new ModelException($"{where}: W has shape {w.ShapeText}, expected [1, {gates * hidden}, {input}] for hidden_size {hidden}");
        if (r.Dims[1] != gates * hidden || r.Dims[2] != hidden) throw new ModelException($"{where}: R has shape {r.ShapeText}, expected [1, {gates * hidden}, {hidden}] for hidden_size {hidden}");

        // Every option flag starts at ONNX's 0, the operator's own flags then at what the node says.
        var layer = new RecurrentLayer(cell.Kind, input, hidden) { Clip = attributes.Clip, InputForget = false, LinearBeforeReset = false };
        foreach (var (flag, on) in attributes.Flags) flag.Set(layer, on);
        w.Floats.AsSpan().CopyTo(layer.W);
        r.Floats.AsSpan().CopyTo(layer.R);
        var b = Weight(3, "B", required: false);
        if (b is not null)
        {
            if (b.Rank != 2 || b.Dims[1] != 2 * layer.Rows) throw new ModelException($"{where}: B has shape {b.ShapeText}, expected [1, {2 * layer.Rows}]");
            b.Floats.AsSpan(0, layer.Rows).CopyTo(layer.Wb);
            b.Floats.AsSpan(layer.Rows, layer.Rows).CopyTo(layer.Rb);
        }
        if (node.Input.Count > schema.MaxInputs || node.Output.Count > schema.MaxOutputs)
            throw new ModelException($"{where}: {node.OpType} has at most {schema.MaxInputs} inputs and {schema.MaxOutputs} outputs");
        if (schema.HasPeepholes)
        {
            var p = Weight(7, "P", required: false);
            if (p is not null)
            {
                if (p.Rank != 2 || p.Dims[1] != 3 * hidden) throw new ModelException($"{where}: P has shape {p.ShapeText}, expected [1, {3 * hidden}]");
                layer.Peepholes = p.Floats!.ToArray();
            }
        }

        return new RecurrentNode
        {
            Name = node.Name,
            OpType = node.OpType,
            Layer = layer,
            Layout = attributes.Layout,
            X = Input(0).Length > 0 ? Input(0) : throw new ModelException($"{where}: input X is missing"),
            SequenceLens = Input(4),
            InitialH = Input(5),
            InitialC = schema.HasCellState ? Input(6) : "",
            Y = Output(0),
            YH = Output(1),
            YC = schema.HasCellState ? Output(2) : "",
        };
    }

    internal static string Describe(string name, string firstOutput, string opType) =>
        name.Length > 0 ? $"node '{name}' ({opType})" : $"{opType} node producing '{firstOutput}'";

    private sealed record Attributes(int? HiddenSize, float Clip, List<(OnnxFlag Flag, bool On)> Flags, int Layout);

    private static Attributes ReadAttributes(NodeProto node, OnnxSchema schema, string where)
    {
        int? hidden = null;
        float clip = 0;
        var flags = new List<(OnnxFlag, bool)>();
        int layout = 0;
        foreach (var a in node.Attribute)
        {
            string at = $"{where}: attribute '{a.Name}'";
            if (schema.Flag(a.Name) is { } flag)
            {
                flags.Add((flag, Flag(a, at)));
                continue;
            }
            switch (a.Name)
            {
                case "hidden_size":
                    hidden = checked((int)a.I);
                    break;
                case "clip":
                    if (!(a.F > 0) || !float.IsFinite(a.F)) throw new ModelException($"{at} = {a.F} must be a positive finite number");
                    clip = a.F;
                    break;
                case "direction":
                    string direction = Encoding.UTF8.GetString(a.S.Span);
                    if (direction != "forward")
                        throw new ModelException($"{at} = '{direction}' is not supported (only direction=forward; reverse and bidirectional layers are not streamable)");
                    break;
                case "layout":
                    if (a.I is not (0 or 1)) throw new ModelException($"{at} = {a.I} must be 0 or 1");
                    layout = (int)a.I;
                    break;
                case "activations":
                    var names = a.Strings.Select(s => s.ToStringUtf8()).ToArray();
                    var defaults = schema.DefaultActivations;
                    bool isDefault = names.Length > 0 && names.Length % defaults.Count == 0 &&
                        names.Select((n, i) => string.Equals(n, defaults[i % defaults.Count], StringComparison.OrdinalIgnoreCase)).All(x => x);
                    if (!isDefault)
                        throw new ModelException($"{at} = [{string.Join(", ", names)}] is not supported (only the defaults [{string.Join(", ", defaults)}])");
                    break;
                case "activation_alpha":
                case "activation_beta":
                    // Sigmoid and Tanh take no parameters: only an empty list means what the defaults mean.
                    if (a.Floats.Count > 0) throw new ModelException($"{at} is not supported (the default activations Sigmoid and Tanh take no parameters)");
                    break;
                default:
                    throw new ModelException($"{at} is not supported by {node.OpType}");
            }
        }
        if (hidden is <= 0) throw new ModelException($"{where}: attribute 'hidden_size' = {hidden} must be positive");
        return new Attributes(hidden, clip, flags, layout);
    }

    private static bool Flag(AttributeProto a, string at) => a.I switch
    {
        0 => false,
        1 => true,
        _ => throw new ModelException($"{at} = {a.I} must be 0 or 1"),
    };
}
