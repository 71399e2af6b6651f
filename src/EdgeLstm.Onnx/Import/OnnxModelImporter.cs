using EdgeLstm.Core.Model;
using EdgeLstm.Onnx.Proto;

namespace EdgeLstm.Onnx.Import;

/// <summary>
/// Imports a whole exported model: optional input normalization by constants, stacked forward
/// LSTM/GRU/RNN nodes with the rearrangements exporters put between them, and a Gemm or MatMul+Add
/// head on every step or on the last step, optionally followed by Softmax (the patterns of
/// torch.onnx.export of nn.LSTM/nn.GRU + nn.Linear and of tf2onnx for Keras). Works backwards from
/// the first graph output to the nodes it needs, then forwards through them, tracking for every
/// value whether it is a constant, zeros, shape arithmetic, or a view of the sample stream (which
/// stage, which axis is time). The first node outside the supported patterns stops the import
/// with a message that names it.
/// </summary>
public static class OnnxModelImporter
{
    public static ImportedNetwork Import(string path) => new Walk(OnnxModelFile.Load(path)).Run();

    public static ImportedNetwork Import(byte[] model, string what = "model") => new Walk(OnnxModelFile.Parse(model, what)).Run();

    private sealed class Walk(ModelProto model)
    {
        private readonly GraphProto _graph = model.Graph;
        private readonly long _opset = model.OpsetImport.Where(s => s.Domain is "" or "ai.onnx").Select(s => s.Version).DefaultIfEmpty(1).Max();
        private readonly Dictionary<string, SymbolicValue> _values = [];
        private readonly List<RecurrentLayer> _layers = [];
        private readonly List<string> _steps = [];
        private float[] _mean = [], _std = [];
        private DenseLayer? _head;
        private string _inputName = "";
        private int _staticLength;

        public ImportedNetwork Run()
        {
            if (_graph.Output.Count == 0) throw new ModelException("the ONNX graph has no output");
            string output = _graph.Output[0].Name;
            var needed = NeededNodes(output);
            foreach (var t in _graph.Initializer) _values[t.Name] = new ConstantValue(OnnxTensor.FromProto(t));
            DeclareInput(needed);
            foreach (var node in _graph.Node.Where(needed.Contains)) Evaluate(node);

            var result = _values.GetValueOrDefault(output) as StreamValue
                ?? throw new ModelException($"graph output '{output}' does not depend on the input samples");
            if (_layers.Count == 0) throw new ModelException($"graph output '{output}' is reached through no LSTM, GRU or RNN node");
            if (_head is null || result.Stage < StreamStage.Logits)
                throw new ModelException($"graph output '{output}' is {result.Describe}: a Gemm or MatMul+Add classification head after the last recurrent node is required");
            if (result.Axes.Any(a => a.Kind is AxisKind.Open) || result.FeatureAxis < 0)
                throw new ModelException($"graph output '{output}' is {result.Describe}; expected one class axis beside time and size-1 axes");
            return new ImportedNetwork
            {
                Network = new FloatNetwork(_layers, _head),
                Mean = _mean,
                Std = _std,
                HeadOnLastStep = result.LastStep,
                EndsInSoftmax = result.Stage == StreamStage.Probabilities,
                StaticSequenceLength = _staticLength,
                InputName = _inputName,
                OutputName = output,
                Steps = _steps,
            };
        }

        /// <summary>The nodes the output depends on (other outputs, e.g. final states, are not imported).</summary>
        private HashSet<NodeProto> NeededNodes(string output)
        {
            var producer = new Dictionary<string, NodeProto>();
            foreach (var n in _graph.Node) foreach (var o in n.Output) if (o.Length > 0) producer[o] = n;
            var needed = new HashSet<NodeProto>();
            var pending = new Stack<string>([output]);
            while (pending.Count > 0)
            {
                if (producer.TryGetValue(pending.Pop(), out var node) && needed.Add(node))
                    foreach (var i in node.Input) if (i.Length > 0) pending.Push(i);
            }
            return needed;
        }

        /// <summary>The one graph input the output depends on: the samples, [time-or-batch, time-or-batch, channels] or [time, channels].</summary>
        private void DeclareInput(HashSet<NodeProto> needed)
        {
            var used = needed.SelectMany(n => n.Input).ToHashSet();
            var inputs = _graph.Input.Where(i => !_values.ContainsKey(i.Name) && used.Contains(i.Name)).ToList();
            if (inputs.Count != 1)
                throw new ModelException(inputs.Count == 0
                    ? "the graph output does not depend on any graph input"
                    : $"the graph output depends on {inputs.Count} graph inputs ({string.Join(", ", inputs.Select(i => $"'{i.Name}'"))}); only the sample sequence may be an input (initial states must be zeros)");
            var input = inputs[0];
            var dims = input.Type?.TensorType?.Shape?.Dim;
            if (dims is null) throw new ModelException($"graph input '{input.Name}' has no tensor shape");
            int rank = dims.Count;
            long channels = rank > 0 && dims[^1].HasDimValue ? dims[^1].DimValue : 0;
            if (rank is not (2 or 3) || channels <= 0)
                throw new ModelException($"graph input '{input.Name}' must be [batch, time, channels], [time, batch, channels] or [time, channels] with a fixed channel count");
            Axis[] axes = rank == 3 ? [new(AxisKind.Open, 0), new(AxisKind.Open, 1), Axis.Feature] : [new(AxisKind.Time, 0), Axis.Feature];
            _values[input.Name] = new StreamValue(StreamStage.Input, -1, (int)channels, axes, LastStep: false);
            _inputName = input.Name;
            _mean = new float[channels];
            _std = Enumerable.Repeat(1f, (int)channels).ToArray();
        }

        private void Evaluate(NodeProto node)
        {
            string where = RecurrentNodeReader.Describe(node.Name, node.Output.FirstOrDefault() ?? "", node.OpType);
            if (!string.IsNullOrEmpty(node.Domain) && node.Domain != "ai.onnx")
                throw new ModelException($"{where}: operator domain '{node.Domain}' is not supported");
            var inputs = node.Input.Select(i => i.Length == 0 ? null : _values.GetValueOrDefault(i)
                ?? throw new ModelException($"{where}: input '{i}' is produced by no earlier node, initializer or graph input")).ToArray();
            if (RecurrentNodeReader.IsRecurrent(node.OpType))
            {
                Recurrent(node, inputs, where);
                return;
            }
            int streamIndex = Array.FindIndex(inputs, v => v is StreamValue);
            SymbolicValue result = inputs.FirstOrDefault(v => v is StackedValue) is StackedValue stacked
                ? FromStack(node, inputs, stacked, where)
                : node.OpType == "Concat" && streamIndex >= 0
                ? Stack(node, inputs, where)
                : streamIndex >= 0
                ? StreamOp(node, inputs, (StreamValue)inputs[streamIndex]!, streamIndex, where)
                : ConstantFolding.Evaluate(node, inputs, where);
            foreach (var o in node.Output.Take(1)) if (o.Length > 0) _values[o] = result;
            foreach (var o in node.Output.Skip(1)) if (o.Length > 0) _values[o] = new ShapeDerivedValue();
            if (result is StreamValue s) _steps.Add($"{where}: {s.Describe}");
        }

        /// <summary>Concat of stream values along an axis that is size 1 in each: PyTorch's h_n = [Y_h of layer 0, Y_h of layer 1, ...].</summary>
        private static StackedValue Stack(NodeProto node, SymbolicValue?[] inputs, string where)
        {
            var parts = inputs.Select(v => v as StreamValue ?? throw new ModelException($"{where}: concatenates the sample stream with a value that is not")).ToArray();
            long axis = Attr(node, "axis")?.I ?? 0;
            int a = StreamAxisOps.Normalize([axis], parts[0].Rank, where)[0];
            if (parts.Any(p => p.Rank != parts[0].Rank || p.Axes[a].Kind != AxisKind.Unit))
                throw new ModelException($"{where}: concatenates along an axis that is not size 1 in every input ({string.Join("; ", parts.Select(p => p.Describe))})");
            return new StackedValue(parts, a);
        }

        /// <summary>The last part of a stack: Gather of index -1 or Slice [-1:] along the stacking axis.</summary>
        private StreamValue FromStack(NodeProto node, SymbolicValue?[] inputs, StackedValue stack, string where)
        {
            int n = stack.Parts.Length;
            var last = stack.Parts[^1];
            bool IsLast(long i) => i == -1 || i == n - 1;
            if (inputs[0] != stack) throw new ModelException($"{where}: only selecting the last entry of stacked states is supported");
            if (node.OpType == "Gather")
            {
                var indices = Constant(inputs, 1, "indices", where);
                var index = indices.AsInts("indices");
                long axis = Attr(node, "axis")?.I ?? 0;
                if (StreamAxisOps.Normalize([axis], last.Rank, where)[0] == stack.Axis && index.Length == 1 && indices.Rank <= 1 && IsLast(index[0]))
                    return indices.Rank == 0 ? last with { Axes = last.Axes.Where((_, i) => i != stack.Axis).ToArray() } : last;
            }
            else if (node.OpType == "Slice" && _opset >= 10)
            {
                var starts = Constant(inputs, 1, "starts", where).AsInts("starts");
                var ends = Constant(inputs, 2, "ends", where).AsInts("ends");
                var axes = inputs.Length > 3 && inputs[3] is not null ? Constant(inputs, 3, "axes", where).AsInts("axes") : [0];
                var steps = inputs.Length > 4 && inputs[4] is not null ? Constant(inputs, 4, "steps", where).AsInts("steps") : [1];
                if (starts.Length == 1 && axes.Length == 1 && StreamAxisOps.Normalize(axes, last.Rank, where)[0] == stack.Axis && IsLast(starts[0]) && ends[0] >= n && steps[0] == 1)
                    return last;
            }
            throw new ModelException($"{where}: only the last entry of stacked states (h_n[-1]) can be selected");
        }

        private void Recurrent(NodeProto node, SymbolicValue?[] inputs, string where)
        {
            var n = RecurrentNodeReader.Read(node, name => _values.GetValueOrDefault(name) is ConstantValue c ? c.Tensor : null);
            var layer = n.Layer;
            if (inputs[0] is not StreamValue x)
                throw new ModelException($"{where}: input X does not come from the input samples");
            bool fromInput = x.Stage == StreamStage.Input && _layers.Count == 0;
            bool fromPrevious = x.Stage == StreamStage.Hidden && x.Layer == _layers.Count - 1 && _layers.Count > 0;
            if (!(fromInput || fromPrevious) || x.LastStep)
                throw new ModelException($"{where}: X is {x.Describe}; a recurrent layer must read every step of the input or of the layer before it");
            int t = n.Layout == 0 ? 0 : 1;
            if (x.Rank != 3 || x.FeatureAxis != 2 || x.Axes[t].Kind is not (AxisKind.Time or AxisKind.Open) || x.Axes[1 - t].Kind is not (AxisKind.Unit or AxisKind.Open))
                throw new ModelException($"{where}: X is {x.Describe}, expected [{(t == 0 ? "time, batch" : "batch, time")}, features] for layout={n.Layout}");
            if (x.Features != layer.InputSize) throw new ModelException($"{where}: X has {x.Features} features, W expects {layer.InputSize}");
            if (fromInput && x.Axes[t].Origin >= 0)
            {
                var dim = _graph.Input.First(i => i.Name == _inputName).Type.TensorType.Shape.Dim[x.Axes[t].Origin];
                _staticLength = dim.HasDimValue && dim.DimValue > 0 ? (int)dim.DimValue : 0;
            }
            if (n.SequenceLens.Length > 0 && inputs[4] is not ShapeDerivedValue)
                throw new ModelException($"{where}: input sequence_lens must be absent or derived from the input's shape; a stream has no fixed length");
            CheckZeroState(n.InitialH, inputs.ElementAtOrDefault(5), "initial_h", where);
            CheckZeroState(n.InitialC, inputs.ElementAtOrDefault(6), "initial_c", where);

            _layers.Add(layer);
            int k = _layers.Count - 1;
            int h = layer.HiddenSize;
            var time = Axis.Time;
            if (n.Y.Length > 0)
                _values[n.Y] = new StreamValue(StreamStage.Hidden, k, h, n.Layout == 0 ? [time, Axis.Unit, Axis.Unit, Axis.Feature] : [Axis.Unit, time, Axis.Unit, Axis.Feature], false);
            if (n.YH.Length > 0)
                _values[n.YH] = new StreamValue(StreamStage.Hidden, k, h, [Axis.Unit, Axis.Unit, Axis.Feature], true);
            if (n.YC.Length > 0) _values[n.YC] = new ShapeDerivedValue(); // a cell state feeds nothing the engines run
            _steps.Add($"{where}: layer {k}, {layer.VariantName} {layer.InputSize} -> {h}{(layer.Clip > 0 ? $", clip {layer.Clip}" : "")}, layout {n.Layout}");
        }

        private static void CheckZeroState(string name, SymbolicValue? value, string what, string where)
        {
            if (name.Length == 0 || value is ZeroValue || (value is ConstantValue c && c.Tensor.IsAllZero)) return;
            throw new ModelException($"{where}: input {what} ('{name}') must be zeros (absent, a zero constant or ConstantOfShape); a streaming model starts from the zero state");
        }

        private SymbolicValue StreamOp(NodeProto node, SymbolicValue?[] inputs, StreamValue v, int streamIndex, string where)
        {
            switch (node.OpType)
            {
                case "Identity":
                case "Dropout" when streamIndex == 0:
                    return v;
                case "Cast":
                    return Attr(node, "to")?.I is (long)Proto.TensorProto.Types.DataType.Float ? v
                        : throw new ModelException($"{where}: casts {v.Describe} to a type other than float");
                case "Shape":
                case "Size":
                    return new ShapeDerivedValue();
                case "Transpose":
                    return StreamAxisOps.Transpose(v, Attr(node, "perm")?.Ints.ToArray(), where);
                case "Squeeze":
                    return StreamAxisOps.Squeeze(v, AxesArgument(node, inputs, where, optional: true), where);
                case "Unsqueeze":
                    return StreamAxisOps.Unsqueeze(v, AxesArgument(node, inputs, where, optional: false)!, where);
                case "Reshape" when streamIndex == 0:
                    return StreamAxisOps.Reshape(v, Constant(inputs, 1, "shape", where).AsInts("shape"), where);
                case "Flatten":
                    return StreamAxisOps.Flatten(v, Attr(node, "axis")?.I ?? 1, where);
                case "Gather" when streamIndex == 0:
                    return StreamAxisOps.Gather(v, Constant(inputs, 1, "indices", where), Attr(node, "axis")?.I ?? 0, where);
                case "Slice" when streamIndex == 0:
                    return Slice(node, inputs, v, where);
                case "Sub" or "Add" or "Mul" or "Div" when v.Stage == StreamStage.Input:
                    return Normalize(node, inputs, v, streamIndex, where);
                case "Add" when v.Stage == StreamStage.Logits && _head is not null:
                    return HeadBias(inputs[1 - streamIndex], v, where);
                case "Gemm" when streamIndex == 0:
                    return Gemm(node, inputs, v, where);
                case "MatMul" when streamIndex == 0:
                    return MatMul(inputs, v, where);
                case "Softmax":
                    return Softmax(node, v, where);
                default:
                    throw new ModelException($"{where}: not supported on {v.Describe} (supported: LSTM, GRU, RNN, Transpose, Squeeze, Unsqueeze, Reshape, Flatten, " +
                        "Gather/Slice of the last step, Identity, Dropout, Sub/Add/Mul/Div by constants on the input, Gemm or MatMul+Add head, Softmax)");
            }
        }

        private StreamValue Slice(NodeProto node, SymbolicValue?[] inputs, StreamValue v, string where)
        {
            if (_opset < 10)
                return StreamAxisOps.Slice(v, Attr(node, "starts")?.Ints.ToArray() ?? [], Attr(node, "ends")?.Ints.ToArray() ?? [], Attr(node, "axes")?.Ints.ToArray(), null, where);
            long[]? Optional(int i, string name) => inputs.Length > i && inputs[i] is not null ? Constant(inputs, i, name, where).AsInts(name) : null;
            return StreamAxisOps.Slice(v, Constant(inputs, 1, "starts", where).AsInts("starts"), Constant(inputs, 2, "ends", where).AsInts("ends"),
                Optional(3, "axes"), Optional(4, "steps"), where);
        }

        /// <summary>Folds x - c, x + c, x * k, x / k on the raw input into the per-channel mean and std of the model's metadata.</summary>
        private StreamValue Normalize(NodeProto node, SymbolicValue?[] inputs, StreamValue v, int streamIndex, string where)
        {
            if (node.OpType is "Sub" or "Div" && streamIndex != 0)
                throw new ModelException($"{where}: the input samples must be the first operand of {node.OpType}");
            var c = PerChannel(inputs[1 - streamIndex], v, where);
            for (int j = 0; j < c.Length; j++)
            {
                switch (node.OpType)
                {
                    case "Sub": _mean[j] += c[j] * _std[j]; break;
                    case "Add": _mean[j] -= c[j] * _std[j]; break;
                    case "Mul":
                        if (!(c[j] > 0)) throw new ModelException($"{where}: scales channel {j} by {c[j]}; only positive scales are a normalization");
                        _std[j] /= c[j];
                        break;
                    default:
                        if (!(c[j] > 0)) throw new ModelException($"{where}: divides channel {j} by {c[j]}; only positive divisors are a normalization");
                        _std[j] *= c[j];
                        break;
                }
            }
            return v;
        }

        private static float[] PerChannel(SymbolicValue? operand, StreamValue v, string where)
        {
            if (operand is not ConstantValue { Tensor: var t })
                throw new ModelException($"{where}: the other operand must be a constant");
            var values = t.AsFloats();
            if (values.Length == 1) return Enumerable.Repeat(values[0], v.Features).ToArray();
            if (values.Length == v.Features && t.Dims[^1] == v.Features && v.FeatureAxis == v.Rank - 1) return values;
            throw new ModelException($"{where}: constant of shape {t.ShapeText} is neither a scalar nor one value per feature of {v.Describe}");
        }

        private StreamValue Gemm(NodeProto node, SymbolicValue?[] inputs, StreamValue a, string where)
        {
            CheckHeadInput(a, where);
            if ((Attr(node, "transA")?.I ?? 0) != 0) throw new ModelException($"{where}: transA=1 is not supported");
            if (a.Rank != 2 || a.FeatureAxis != 1) throw new ModelException($"{where}: A is {a.Describe}, expected [rows, features]");
            float alpha = Attr(node, "alpha")?.F ?? 1f, beta = Attr(node, "beta")?.F ?? 1f;
            bool transB = (Attr(node, "transB")?.I ?? 0) != 0;
            var b = Constant(inputs, 1, "B", where);
            var head = HeadWeights(b, transB, a.Features, where, alpha);
            if (inputs.Length > 2 && inputs[2] is not null)
            {
                var bias = PerChannel(inputs[2], a with { Features = head.OutputSize }, where);
                for (int i = 0; i < bias.Length; i++) head.B[i] = beta * bias[i];
            }
            _head = head;
            return a with { Stage = StreamStage.Logits, Features = head.OutputSize };
        }

        private StreamValue MatMul(SymbolicValue?[] inputs, StreamValue a, string where)
        {
            CheckHeadInput(a, where);
            if (a.FeatureAxis != a.Rank - 1) throw new ModelException($"{where}: A is {a.Describe}, expected the features last");
            _head = HeadWeights(Constant(inputs, 1, "B", where), transposed: false, a.Features, where, 1f);
            return a with { Stage = StreamStage.Logits, Features = _head.OutputSize };
        }

        private StreamValue HeadBias(SymbolicValue? operand, StreamValue v, string where)
        {
            var bias = PerChannel(operand, v, where);
            for (int i = 0; i < bias.Length; i++) _head!.B[i] += bias[i];
            return v;
        }

        private void CheckHeadInput(StreamValue a, string where)
        {
            if (_head is not null) throw new ModelException($"{where}: a second dense layer; only one linear head is supported");
            if (a.Stage != StreamStage.Hidden || a.Layer != _layers.Count - 1)
                throw new ModelException($"{where}: reads {a.Describe}; the head must read the last recurrent layer's hidden state");
        }

        /// <summary>The head's W [classes, hidden] from B, which is [classes, hidden] when transposed, else [hidden, classes].</summary>
        private static DenseLayer HeadWeights(OnnxTensor b, bool transposed, int hidden, string where, float alpha)
        {
            if (b.Rank != 2 || !b.IsFloat || b.Dims[transposed ? 1 : 0] != hidden)
                throw new ModelException($"{where}: weight of shape {b.ShapeText} does not fit {hidden} hidden units");
            int classes = (int)b.Dims[transposed ? 0 : 1];
            var head = new DenseLayer(hidden, classes);
            var w = b.Floats!;
            for (int c = 0; c < classes; c++)
                for (int j = 0; j < hidden; j++)
                    head.W[c * hidden + j] = alpha * (transposed ? w[c * hidden + j] : w[j * classes + c]);
            return head;
        }

        private StreamValue Softmax(NodeProto node, StreamValue v, string where)
        {
            if (v.Stage != StreamStage.Logits) throw new ModelException($"{where}: applies to {v.Describe}; only the head's logits may end in Softmax");
            long axis = Attr(node, "axis")?.I ?? (_opset >= 13 ? -1 : 1);
            int a = StreamAxisOps.Normalize([axis], v.Rank, where)[0];
            // Before opset 13 Softmax flattens the axes from `axis` on: fine when the others there are size 1.
            bool ok = a == v.FeatureAxis || (_opset < 13 && v.FeatureAxis >= a && v.Axes.Skip(a).All(x => x.Kind is AxisKind.Unit or AxisKind.Feature));
            if (!ok) throw new ModelException($"{where}: axis {axis} is not the class axis of {v.Describe}");
            return v with { Stage = StreamStage.Probabilities };
        }

        private static OnnxTensor Constant(SymbolicValue?[] inputs, int index, string name, string where) =>
            (inputs.ElementAtOrDefault(index) as ConstantValue)?.Tensor
            ?? throw new ModelException($"{where}: input {name} must be a constant");

        private long[]? AxesArgument(NodeProto node, SymbolicValue?[] inputs, string where, bool optional)
        {
            var attr = Attr(node, "axes");
            if (attr is not null) return attr.Ints.ToArray();
            if (inputs.Length > 1 && inputs[1] is not null) return Constant(inputs, 1, "axes", where).AsInts("axes");
            return optional ? null : throw new ModelException($"{where}: axes are missing");
        }

        private static AttributeProto? Attr(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);
    }
}
