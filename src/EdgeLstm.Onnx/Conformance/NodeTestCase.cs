using EdgeLstm.Core.Model;
using EdgeLstm.Onnx.Import;
using EdgeLstm.Onnx.Proto;

namespace EdgeLstm.Onnx.Conformance;

/// <summary>
/// An ONNX backend node-test folder: <c>model.onnx</c> holding one LSTM, GRU or RNN node and
/// <c>test_data_set_N/input_K.pb</c>, <c>output_K.pb</c> (K in the order of the graph's inputs
/// that are not initializers, and of its outputs). Weight inputs (W, R, B, P) may be graph inputs
/// fed from the data sets; they must then be the same in every data set.
/// </summary>
public sealed class NodeTestCase
{
    private NodeTestCase(string name, RecurrentNode node, IReadOnlyList<(SequenceInputs Inputs, Dictionary<string, OnnxTensor> Expected)> dataSets, IReadOnlyList<string> outputs)
    {
        Name = name;
        Node = node;
        DataSets = dataSets;
        Outputs = outputs;
    }

    public string Name { get; }
    public RecurrentNode Node { get; }
    public IReadOnlyList<(SequenceInputs Inputs, Dictionary<string, OnnxTensor> Expected)> DataSets { get; }

    /// <summary>The graph's output names, in order (each is the node's Y, Y_h or Y_c).</summary>
    public IReadOnlyList<string> Outputs { get; }

    public static NodeTestCase Load(string directory)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        if (!Directory.Exists(directory)) throw new ModelException($"{directory}: no such directory");
        var model = OnnxModelFile.Load(Path.Combine(directory, "model.onnx"));
        var graph = model.Graph;
        var recurrent = graph.Node.Where(n => RecurrentNodeReader.IsRecurrent(n.OpType)).ToList();
        if (recurrent.Count != 1 || graph.Node.Count != 1)
            throw new ModelException($"{directory}: expected exactly one LSTM, GRU or RNN node, found {string.Join(", ", graph.Node.Select(n => n.OpType))}");
        var proto = recurrent[0];

        var initializers = graph.Initializer.ToDictionary(t => t.Name, OnnxTensor.FromProto);
        var runInputs = graph.Input.Select(i => i.Name).Where(n => !initializers.ContainsKey(n)).ToList();
        var sets = Directory.GetDirectories(directory, "test_data_set_*").Order(StringComparer.Ordinal).ToList();
        if (sets.Count == 0) throw new ModelException($"{directory}: no test_data_set_N folder");

        var fed = sets.Select(set => runInputs.Select((n, k) => (n, Tensor: ReadPb(set, "input", k, n))).ToDictionary(p => p.n, p => p.Tensor)).ToList();
        // Weights fed as inputs: take them from the first data set, and insist the others agree.
        OnnxTensor? Constant(string input)
        {
            if (initializers.TryGetValue(input, out var t)) return t;
            if (!fed[0].TryGetValue(input, out var first)) return null;
            foreach (var other in fed.Skip(1))
                if (!other[input].Dims.SequenceEqual(first.Dims) || !other[input].AsFloats().SequenceEqual(first.AsFloats()))
                    throw new ModelException($"{directory}: weight input '{input}' differs between data sets");
            return first;
        }
        var node = RecurrentNodeReader.Read(proto, Constant);

        var outputs = graph.Output.Select(o => o.Name).ToList();
        foreach (var o in outputs)
            if (o.Length == 0 || (o != node.Y && o != node.YH && o != node.YC))
                throw new ModelException($"{directory}: graph output '{o}' is not an output of the {node.OpType} node");

        var dataSets = new List<(SequenceInputs, Dictionary<string, OnnxTensor>)>();
        for (int s = 0; s < sets.Count; s++)
        {
            var values = fed[s];
            OnnxTensor? Value(string input) => input.Length == 0 ? null : values.GetValueOrDefault(input) ?? initializers.GetValueOrDefault(input);
            var x = Value(node.X) ?? throw new ModelException($"{directory}: no value for X ('{node.X}')");
            var inputs = new SequenceInputs(x, Value(node.SequenceLens)?.AsInts("sequence_lens"), Value(node.InitialH), Value(node.InitialC));
            var expected = outputs.Select((o, k) => (o, Tensor: ReadPb(sets[s], "output", k, o))).ToDictionary(p => p.o, p => p.Tensor);
            dataSets.Add((inputs, expected));
        }
        return new NodeTestCase(name, node, dataSets, outputs);
    }

    private static OnnxTensor ReadPb(string set, string kind, int k, string name)
    {
        string path = Path.Combine(set, $"{kind}_{k}.pb");
        if (!File.Exists(path)) throw new ModelException($"{path}: missing (expected the value of '{name}')");
        return OnnxTensor.Read(path);
    }
}
