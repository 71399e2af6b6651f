using EdgeLstm.Core.Model;
using EdgeLstm.Onnx.Proto;
using Google.Protobuf;
using static EdgeLstm.Onnx.Proto.AttributeProto.Types;
using static EdgeLstm.Onnx.Proto.TensorProto.Types;

namespace EdgeLstm.Onnx;

/// <summary>
/// Writes Core's float networks as ONNX models that ONNX Runtime runs: the peer our engines are
/// benchmarked against and the oracle they are compared with. Core's recurrent layers are already
/// in ONNX layout and gate order (<see cref="RecurrentLayer"/>), so weights are copied as they are.
/// </summary>
public static class OnnxModelBuilder
{
    /// <summary>The default-domain operator set the models use (LSTM/GRU/RNN-14, Squeeze-13, Gemm-13).</summary>
    public const int OpsetVersion = 17;

    /// <summary>The IR version that goes with <see cref="OpsetVersion"/>.</summary>
    public const long IrVersion = 8;

    /// <summary>
    /// One time step of the network as an ONNX model, state carried outside the model:
    /// inputs <c>x</c> [1, 1, I] (layout 0: [seq, batch, input]; the raw sample, no normalization),
    /// and per layer k <c>h{k}</c> [1, 1, H] (and <c>c{k}</c> where the operator has a cell state, LSTM); outputs <c>logits</c> [1, C],
    /// then per layer <c>h{k}_out</c> [1, 1, H] (and <c>c{k}_out</c>), to be fed back as the next
    /// step's <c>h{k}</c> and <c>c{k}</c>. Each layer is one ONNX RNN, LSTM or GRU node; the head is a Gemm.
    /// </summary>
    public static byte[] BuildStreamingStep(FloatNetwork net)
    {
        ArgumentNullException.ThrowIfNull(net);
        var graph = new GraphProto { Name = "edgelstm_streaming_step" };
        graph.Input.Add(Value("x", 1, 1, net.InputSize));

        var stateOutputs = new List<ValueInfoProto>();
        string x = "x";
        string lastHidden = "";
        for (int k = 0; k < net.Layers.Count; k++)
        {
            var layer = net.Layers[k];
            bool isLast = k == net.Layers.Count - 1;
            var schema = layer.Definition.Onnx ?? throw new ArgumentOutOfRangeException(nameof(net), layer.Kind, "no ONNX operator expresses this cell");
            int h = layer.HiddenSize, rows = layer.Rows;
            string prefix = $"layer{k}.";

            graph.Initializer.Add(Floats(prefix + "W", layer.W, 1, rows, layer.InputSize));
            graph.Initializer.Add(Floats(prefix + "R", layer.R, 1, rows, h));
            graph.Initializer.Add(Floats(prefix + "B", [.. layer.Wb, .. layer.Rb], 1, 2 * rows));
            if (layer.Peepholes is not null) graph.Initializer.Add(Floats(prefix + "P", layer.Peepholes, 1, 3 * h));

            string hIn = $"h{k}", hOut = $"h{k}_out", cIn = $"c{k}", cOut = $"c{k}_out";
            graph.Input.Add(Value(hIn, 1, 1, h));
            stateOutputs.Add(Value(hOut, 1, 1, h));
            if (schema.HasCellState)
            {
                graph.Input.Add(Value(cIn, 1, 1, h));
                stateOutputs.Add(Value(cOut, 1, 1, h));
            }

            // The sequence output Y [seq, directions, batch, H] is only needed to feed the next layer.
            string y = isLast ? "" : prefix + "Y";
            var node = new NodeProto { Name = prefix.TrimEnd('.'), OpType = schema.Operator };
            // X, W, R, B, sequence_lens (omitted), initial_h [, initial_c [, P]]
            node.Input.Add([x, prefix + "W", prefix + "R", prefix + "B", "", hIn]);
            if (schema.HasCellState) node.Input.Add(cIn);
            if (schema.HasPeepholes && layer.Peepholes is not null) node.Input.Add(prefix + "P");
            node.Output.Add([y, hOut]);
            if (schema.HasCellState) node.Output.Add(cOut);

            node.Attribute.Add(Int("hidden_size", h));
            foreach (var flag in schema.Flags) node.Attribute.Add(Int(flag.Name, flag.Get(layer) ? 1 : 0));
            if (layer.Clip > 0) node.Attribute.Add(new AttributeProto { Name = "clip", Type = AttributeType.Float, F = layer.Clip });
            graph.Node.Add(node);

            if (!isLast)
            {
                // Y [1, 1, 1, H] -> [1, 1, H]: the next layer's X.
                string axes = prefix + "squeeze_axes";
                graph.Initializer.Add(Int64s(axes, [1], 1));
                string next = prefix + "output";
                var squeeze = new NodeProto { Name = prefix + "squeeze", OpType = "Squeeze" };
                squeeze.Input.Add([y, axes]);
                squeeze.Output.Add(next);
                graph.Node.Add(squeeze);
                x = next;
            }
            lastHidden = hOut;
        }

        // Head: logits [1, C] = h [1, H] * W^T + B, W being [C, H].
        var head = net.Head;
        graph.Initializer.Add(Int64s("head.shape", [1, head.InputSize], 2));
        graph.Initializer.Add(Floats("head.W", head.W, head.OutputSize, head.InputSize));
        graph.Initializer.Add(Floats("head.B", head.B, head.OutputSize));
        var reshape = new NodeProto { Name = "head.reshape", OpType = "Reshape" };
        reshape.Input.Add([lastHidden, "head.shape"]);
        reshape.Output.Add("head.input");
        var gemm = new NodeProto { Name = "head", OpType = "Gemm" };
        gemm.Input.Add(["head.input", "head.W", "head.B"]);
        gemm.Output.Add("logits");
        gemm.Attribute.Add(Int("transB", 1));
        graph.Node.Add([reshape, gemm]);

        graph.Output.Add(Value("logits", 1, head.OutputSize));
        graph.Output.Add(stateOutputs);

        var model = new ModelProto { IrVersion = IrVersion, ProducerName = "edgelstm", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        return model.ToByteArray();
    }

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeType.Int, I = value };

    private static TensorProto Floats(string name, ReadOnlySpan<float> data, params ReadOnlySpan<long> dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)DataType.Float };
        t.Dims.Add(dims.ToArray());
        t.FloatData.Add(data.ToArray());
        return t;
    }

    private static TensorProto Int64s(string name, long[] data, params ReadOnlySpan<long> dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)DataType.Int64 };
        t.Dims.Add(dims.ToArray());
        t.Int64Data.Add(data);
        return t;
    }

    /// <summary>A float tensor value of fixed shape.</summary>
    private static ValueInfoProto Value(string name, params ReadOnlySpan<long> dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float, Shape = shape } },
        };
    }
}
