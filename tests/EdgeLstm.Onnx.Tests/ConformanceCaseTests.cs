using EdgeLstm.Core.Model;
using EdgeLstm.Onnx.Conformance;
using EdgeLstm.Onnx.Import;
using EdgeLstm.Onnx.Proto;
using Xunit.Abstractions;

namespace EdgeLstm.Onnx.Tests;

/// <summary>The ONNX project's own LSTM, GRU and RNN node tests (tests/data/onnx-rnn), and what the node reader rejects.</summary>
public class ConformanceCaseTests(ITestOutputHelper output)
{
    public static string RepoRoot => EdgeLstm.Tests.Shared.RepoRoot.Directory;

    public static IEnumerable<object[]> SharedCases() =>
        Directory.GetDirectories(Path.Combine(RepoRoot, "tests", "data", "onnx-rnn"), "test_*").Order(StringComparer.Ordinal).Select(d => new object[] { Path.GetFileName(d) });

    [Theory]
    [MemberData(nameof(SharedCases))]
    public void Onnx_backend_case_passes(string name)
    {
        var results = ConformanceRunner.Run(NodeTestCase.Load(Path.Combine(RepoRoot, "tests", "data", "onnx-rnn", name)));
        Assert.NotEmpty(results);
        foreach (var r in results)
        {
            output.WriteLine($"{r.Case} {r.Output} float={r.FloatError:E2} int={r.IntError:E2} floor={r.FloorError:E2}");
            Assert.True(r.Passed, $"{r.Case} {r.Output}: float {r.FloatError:E3}, int {r.IntError:E3}, floor {r.FloorError:E3}");
        }
    }

    [Fact]
    public void There_are_six_shared_cases() => Assert.Equal(6, SharedCases().Count());

    [Theory]
    [InlineData("direction", "reverse")]
    [InlineData("direction", "bidirectional")]
    [InlineData("activations", "Relu")]
    [InlineData("activation_alpha", "")]
    [InlineData("hidden_size", "7")]
    [InlineData("dilation", "")]
    public void Unsupported_attributes_are_rejected_naming_node_and_attribute(string attribute, string value)
    {
        var g = new OnnxGraphs();
        var layer = CellVariant.CreateLayer("lstm", 3, 4);
        g.Recurrent(layer, "X", "enc_");
        var node = g.Graph.Node[0];
        node.Name = "encoder";
        node.Attribute.Add(attribute switch
        {
            "direction" => OnnxGraphs.String("direction", value),
            "activations" => OnnxGraphs.Strings("activations", value, "Tanh", "Tanh"),
            "activation_alpha" => new AttributeProto { Name = "activation_alpha", Type = AttributeProto.Types.AttributeType.Floats, Floats = { 0.5f } },
            "hidden_size" => OnnxGraphs.Int("hidden_size", 7),
            _ => OnnxGraphs.Int(attribute, 1),
        });
        if (attribute == "hidden_size") node.Attribute.RemoveAt(0);
        var constants = g.Graph.Initializer.ToDictionary(t => t.Name, OnnxTensor.FromProto);
        var e = Assert.Throws<ModelException>(() => RecurrentNodeReader.Read(node, n => constants.GetValueOrDefault(n)));
        output.WriteLine(e.Message);
        Assert.Contains("node 'encoder' (LSTM)", e.Message);
        Assert.Contains(attribute == "hidden_size" ? "hidden_size 7" : $"'{attribute}'", e.Message);
    }

    [Fact]
    public void Default_activations_spelled_out_are_accepted()
    {
        var g = new OnnxGraphs();
        g.Recurrent(CellVariant.CreateLayer("gru", 3, 4), "X", "", torchStyle: true);
        var constants = g.Graph.Initializer.ToDictionary(t => t.Name, OnnxTensor.FromProto);
        var node = RecurrentNodeReader.Read(g.Graph.Node[0], n => constants.GetValueOrDefault(n));
        Assert.Equal(CellKind.Gru, node.Layer.Kind);
    }
}
