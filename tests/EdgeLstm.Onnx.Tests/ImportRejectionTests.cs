using EdgeLstm.Core.Model;
using EdgeLstm.Onnx.Import;
using static EdgeLstm.Onnx.Proto.TensorProto.Types;
using static EdgeLstm.Onnx.Tests.OnnxGraphs;

namespace EdgeLstm.Onnx.Tests;

/// <summary>Graphs outside the supported patterns are rejected by the node that stopped the import.</summary>
public class ImportRejectionTests
{
    private static readonly RecurrentLayer Lstm = CellVariant.CreateLayer("lstm", 6, 8);
    private static readonly RecurrentLayer Lstm2 = CellVariant.CreateLayer("lstm", 8, 8);

    private static string Reject(Action<OnnxGraphs> build)
    {
        var g = new OnnxGraphs();
        g.Input("x", (int)DataType.Float, -1, 1, 6);
        build(g);
        return Assert.Throws<ModelException>(() => OnnxModelImporter.Import(g.ToBytes())).Message;
    }

    private static void Head(OnnxGraphs g, string x, string output = "logits")
    {
        g.Node("Gemm", [x, g.Floats("head.W", new float[3 * 8], 3, 8), g.Floats("head.B", new float[3], 3)], [output], Int("transB", 1));
        g.Output(output, -1, 3);
    }

    [Fact]
    public void An_activation_between_layers_names_its_node()
    {
        string message = Reject(g =>
        {
            var (y, _, _) = g.Recurrent(Lstm, "x", "l0_");
            string s = g.Op("Squeeze", [y, g.Ints("a", [1], 1)]);
            g.Node("Relu", [s], ["relu_out"]).Name = "between";
            var (y1, _, _) = g.Recurrent(Lstm2, "relu_out", "l1_");
            Head(g, g.Op("Squeeze", [g.Op("Gather", [g.Op("Squeeze", [y1, g.Ints("b", [1], 1)]), g.Ints("i", [-1])]), g.Ints("c", [0], 1)]));
        });
        Assert.Contains("node 'between' (Relu)", message);
    }

    [Fact]
    public void A_bidirectional_layer_names_the_attribute()
    {
        string message = Reject(g =>
        {
            var (_, yh, _) = g.Recurrent(Lstm, "x", "enc_");
            g.Graph.Node[0].Attribute.Add(OnnxGraphs.String("direction", "bidirectional"));
            Head(g, g.Op("Squeeze", [yh, g.Ints("a", [0, 1], 2)]));
        });
        Assert.Contains("node 'enc' (LSTM)", message);
        Assert.Contains("'direction'", message);
    }

    [Fact]
    public void An_initial_state_fed_from_outside_is_rejected()
    {
        string message = Reject(g =>
        {
            g.Input("h0", (int)DataType.Float, 1, 1, 8);
            var (_, yh, _) = g.Recurrent(Lstm, "x", "enc_", h0: "h0");
            Head(g, g.Op("Squeeze", [yh, g.Ints("a", [0, 1], 2)]));
        });
        Assert.Contains("'h0'", message);
    }

    [Fact]
    public void A_head_on_an_earlier_step_than_the_last_is_rejected()
    {
        string message = Reject(g =>
        {
            var (y, _, _) = g.Recurrent(Lstm, "x", "enc_");
            string s = g.Op("Squeeze", [y, g.Ints("a", [1, 2], 2)]);
            g.Node("Gather", [s, g.Ints("i", [0])], ["first"], Int("axis", 0)).Name = "first_step";
            Head(g, g.Op("Unsqueeze", ["first", g.Ints("u", [0], 1)]));
        });
        Assert.Contains("node 'first_step' (Gather)", message);
        Assert.Contains("last step", message);
    }

    [Fact]
    public void Selecting_the_first_layers_final_state_is_rejected()
    {
        string message = Reject(g =>
        {
            var (y, h0, _) = g.Recurrent(Lstm, "x", "l0_");
            var (_, h1, _) = g.Recurrent(Lstm2, g.Op("Squeeze", [y, g.Ints("a", [1], 1)]), "l1_");
            string hn = g.Op("Concat", [h0, h1], Int("axis", 0));
            g.Node("Gather", [hn, g.Ints("i", [0])], ["first_layer"], Int("axis", 0)).Name = "h_n_0";
            Head(g, "first_layer");
        });
        Assert.Contains("node 'h_n_0' (Gather)", message);
    }

    [Fact]
    public void A_model_without_a_head_is_rejected()
    {
        string message = Reject(g =>
        {
            var (_, yh, _) = g.Recurrent(Lstm, "x", "enc_");
            g.Output(yh, 1, 1, 8);
        });
        Assert.Contains("head", message);
    }

    [Fact]
    public void A_second_dense_layer_is_rejected()
    {
        string message = Reject(g =>
        {
            var (_, yh, _) = g.Recurrent(Lstm, "x", "enc_");
            string h = g.Op("Squeeze", [yh, g.Ints("a", [0], 1)]);
            string l = g.Op("Gemm", [h, g.Floats("W1", new float[8 * 8], 8, 8)], Int("transB", 1));
            g.Node("Gemm", [l, g.Floats("W2", new float[3 * 8], 3, 8)], ["logits"], Int("transB", 1)).Name = "fc2";
            g.Output("logits", -1, 3);
        });
        Assert.Contains("node 'fc2' (Gemm)", message);
    }
}
