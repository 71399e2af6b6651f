using EdgeLstm.Core.Model;
using EdgeLstm.Onnx.Proto;
using Google.Protobuf;
using static EdgeLstm.Onnx.Proto.AttributeProto.Types;
using static EdgeLstm.Onnx.Proto.TensorProto.Types;

namespace EdgeLstm.Onnx.Tests;

/// <summary>Small builders for ONNX graphs in tests (Google.Protobuf messages).</summary>
internal sealed class OnnxGraphs
{
    public GraphProto Graph { get; } = new() { Name = "test" };

    /// <summary>A graph input; a dim of -1 becomes a symbolic (dynamic) one.</summary>
    public OnnxGraphs Input(string name, int elemType, params long[] dims) { Graph.Input.Add(Value(name, elemType, dims)); return this; }

    public OnnxGraphs Output(string name, params long[] dims) { Graph.Output.Add(Value(name, (int)DataType.Float, dims)); return this; }

    public string Floats(string name, float[] data, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)DataType.Float };
        t.Dims.Add(dims);
        t.FloatData.Add(data);
        Graph.Initializer.Add(t);
        return name;
    }

    public string Ints(string name, long[] data, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)DataType.Int64 };
        t.Dims.Add(dims);
        t.Int64Data.Add(data);
        Graph.Initializer.Add(t);
        return name;
    }

    public NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = $"{op.ToLowerInvariant()}_{Graph.Node.Count}" };
        n.Input.Add(inputs);
        n.Output.Add(outputs);
        n.Attribute.Add(attributes);
        Graph.Node.Add(n);
        return n;
    }

    /// <summary>One output name, for chaining single-output nodes.</summary>
    public string Op(string op, string[] inputs, params AttributeProto[] attributes)
    {
        string output = $"{op.ToLowerInvariant()}_{Graph.Node.Count}_out";
        Node(op, inputs, [output], attributes);
        return output;
    }

    public byte[] ToBytes(int opset = 17)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "edgelstm-tests", Graph = Graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model.ToByteArray();
    }

    public static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeType.Int, I = v };
    public static AttributeProto Float(string name, float v) => new() { Name = name, Type = AttributeType.Float, F = v };
    public static AttributeProto Ints(string name, params long[] v) { var a = new AttributeProto { Name = name, Type = AttributeType.Ints }; a.Ints.Add(v); return a; }
    public static AttributeProto String(string name, string v) => new() { Name = name, Type = AttributeType.String, S = ByteString.CopyFromUtf8(v) };
    public static AttributeProto Strings(string name, params string[] v) { var a = new AttributeProto { Name = name, Type = AttributeType.Strings }; a.Strings.Add(v.Select(ByteString.CopyFromUtf8)); return a; }

    /// <summary>Adds the recurrent node of a Core layer (weights as initializers), returning its (Y, Y_h, Y_c) names.</summary>
    public (string Y, string YH, string YC) Recurrent(RecurrentLayer l, string x, string prefix, int layout = 0, string seqLens = "", string h0 = "", string c0 = "", bool torchStyle = false)
    {
        bool lstm = l.Kind == CellKind.Lstm;
        string w = Floats(prefix + "W", l.W, 1, l.Rows, l.InputSize);
        string r = Floats(prefix + "R", l.R, 1, l.Rows, l.HiddenSize);
        string b = Floats(prefix + "B", [.. l.Wb, .. l.Rb], 1, 2 * l.Rows);
        var inputs = new List<string> { x, w, r, b, seqLens, h0 };
        if (lstm) { inputs.Add(c0); if (l.Peepholes is not null) inputs.Add(Floats(prefix + "P", l.Peepholes, 1, 3 * l.HiddenSize)); }
        while (inputs[^1].Length == 0) inputs.RemoveAt(inputs.Count - 1);
        string[] outputs = lstm ? [prefix + "Y", prefix + "Y_h", prefix + "Y_c"] : [prefix + "Y", prefix + "Y_h"];
        var attributes = new List<AttributeProto> { Int("hidden_size", l.HiddenSize) };
        if (layout != 0) attributes.Add(Int("layout", layout));
        if (l.Clip > 0) attributes.Add(Float("clip", l.Clip));
        if (lstm && l.InputForget) attributes.Add(Int("input_forget", 1));
        if (l.Kind == CellKind.Gru) attributes.Add(Int("linear_before_reset", l.LinearBeforeReset ? 1 : 0));
        if (torchStyle)
        {
            // What torch.onnx.export writes besides: explicit forward direction (tf2onnx writes the activations).
            attributes.Add(String("direction", "forward"));
            attributes.Add(Strings("activations", lstm ? ["Sigmoid", "Tanh", "Tanh"] : l.Kind == CellKind.Gru ? ["Sigmoid", "Tanh"] : ["Tanh"]));
        }
        var n = new NodeProto { OpType = l.Kind switch { CellKind.Lstm => "LSTM", CellKind.Gru => "GRU", _ => "RNN" }, Name = prefix.TrimEnd('.', '_') };
        n.Input.Add(inputs);
        n.Output.Add(outputs);
        n.Attribute.Add(attributes);
        Graph.Node.Add(n);
        return (outputs[0], outputs[1], lstm ? outputs[2] : "");
    }

    private static ValueInfoProto Value(string name, int elemType, long[] dims)
    {
        var shape = new TensorShapeProto();
        for (int i = 0; i < dims.Length; i++)
            shape.Dim.Add(dims[i] >= 0 ? new TensorShapeProto.Types.Dimension { DimValue = dims[i] } : new TensorShapeProto.Types.Dimension { DimParam = $"d{i}" });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } } };
    }
}
