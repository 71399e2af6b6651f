using EdgeLstm.Core.Model;
using static EdgeLstm.Onnx.Proto.TensorProto.Types;
using static EdgeLstm.Onnx.Tests.OnnxGraphs;

namespace EdgeLstm.Onnx.Tests;

/// <summary>
/// ONNX graphs in the shapes exporters emit for recurrent classifiers, built from Core layers with
/// random weights. Each method notes the source code it stands for. Core's layers are in ONNX gate
/// order already, which is what the exporters write (torch.onnx reorders PyTorch's i, f, g, o rows
/// into ONNX's i, o, f, c when it writes W, R and B).
/// </summary>
internal static class ExporterPatterns
{
    public const int Channels = 6;

    /// <summary>
    /// torch.onnx.export of
    /// <c>x = (x - mean) / std; out, _ = nn.LSTM(6, H, num_layers=2, batch_first=True)(x); return nn.Linear(H, C)(out[:, -1, :])</c>
    /// with dynamic batch and sequence axes: input [batch, seq, 6], Sub/Div by buffers, Transpose to
    /// [seq, batch, 6], zero initial states built from the input's shape (Shape, Gather, Unsqueeze,
    /// Concat, ConstantOfShape), Squeeze of each Y's direction axis, Transpose back, Gather of the last
    /// step, Gemm with transB=1.
    /// </summary>
    public static byte[] TorchStackedLstmLastStep(RecurrentLayer l0, RecurrentLayer l1, DenseLayer head, float[] mean, float[] std)
    {
        var g = new OnnxGraphs();
        g.Input("input", (int)DataType.Float, -1, -1, Channels);
        string x = g.Op("Sub", ["input", g.Floats("mean", mean, Channels)]);
        x = g.Op("Div", [x, g.Floats("std", std, Channels)]);
        x = g.Op("Transpose", [x], Ints("perm", 1, 0, 2));
        string zeros = ZeroState(g, "input", batchAxis: 0, l0.HiddenSize);
        var (y0, _, _) = g.Recurrent(l0, x, "lstm.l0_", h0: zeros, c0: zeros, torchStyle: true);
        x = g.Op("Squeeze", [y0, g.Ints("axes_1a", [1], 1)]);
        var (y1, _, _) = g.Recurrent(l1, x, "lstm.l1_", h0: zeros, c0: zeros, torchStyle: true);
        x = g.Op("Squeeze", [y1, g.Ints("axes_1b", [1], 1)]);
        x = g.Op("Transpose", [x], Ints("perm", 1, 0, 2));
        x = g.Op("Gather", [x, g.Ints("last", [-1])], Int("axis", 1));
        g.Node("Gemm", [x, g.Floats("fc.weight", head.W, head.OutputSize, head.InputSize), g.Floats("fc.bias", head.B, head.OutputSize)], ["logits"],
            Float("alpha", 1), Float("beta", 1), Int("transB", 1));
        g.Output("logits", -1, head.OutputSize);
        return g.ToBytes();
    }

    /// <summary>
    /// torch.onnx.export of <c>out, _ = nn.LSTM(6, H, num_layers=2)(x); return nn.Linear(H, C)(out)</c>
    /// (batch_first=False, a class for every step): input [seq, batch, 6], no initial states, Squeeze
    /// between the layers, and the Linear on a 3-D tensor as MatMul by the transposed weight + Add.
    /// </summary>
    public static byte[] TorchStackedLstmEveryStep(RecurrentLayer l0, RecurrentLayer l1, DenseLayer head)
    {
        var g = new OnnxGraphs();
        g.Input("x", (int)DataType.Float, -1, -1, Channels);
        var (y0, _, _) = g.Recurrent(l0, "x", "lstm.l0_", torchStyle: true);
        string x = g.Op("Squeeze", [y0, g.Ints("axes_1a", [1], 1)]);
        var (y1, _, _) = g.Recurrent(l1, x, "lstm.l1_", torchStyle: true);
        x = g.Op("Squeeze", [y1, g.Ints("axes_1b", [1], 1)]);
        x = g.Op("MatMul", [x, g.Floats("fc.weight_t", Transposed(head.W, head.OutputSize, head.InputSize), head.InputSize, head.OutputSize)]);
        g.Node("Add", [x, g.Floats("fc.bias", head.B, head.OutputSize)], ["logits"]);
        g.Output("logits", -1, -1, head.OutputSize);
        return g.ToBytes();
    }

    /// <summary>
    /// tf2onnx of Keras <c>Sequential([GRU(H, reset_after=True), Dense(C, activation="softmax")])</c>
    /// on input [batch, seq, 6]: Transpose to time-major, GRU with linear_before_reset=1 and the
    /// activations spelled out, Y_h with its direction axis squeezed, MatMul + Add, Softmax.
    /// </summary>
    public static byte[] KerasGruLastStep(RecurrentLayer gru, DenseLayer head)
    {
        var g = new OnnxGraphs();
        g.Input("gru_input", (int)DataType.Float, -1, 128, Channels);
        string x = g.Op("Transpose", ["gru_input"], Ints("perm", 1, 0, 2));
        var (_, yh, _) = g.Recurrent(gru, x, "sequential/gru/", torchStyle: true);
        x = g.Op("Squeeze", [yh, g.Ints("axes_0", [0], 1)]);
        x = g.Op("MatMul", [x, g.Floats("dense/kernel", Transposed(head.W, head.OutputSize, head.InputSize), head.InputSize, head.OutputSize)]);
        x = g.Op("Add", [x, g.Floats("dense/bias", head.B, head.OutputSize)]);
        g.Node("Softmax", [x], ["dense"], Int("axis", -1));
        g.Output("dense", -1, head.OutputSize);
        return g.ToBytes();
    }

    /// <summary>
    /// torch.onnx.export of <c>out, _ = nn.GRU(6, H, batch_first=True)(x); return nn.Linear(H, C)(out[:, -1:, :]).squeeze(1)</c>
    /// via Slice of the last step instead of Gather, and the Linear as MatMul + Add on [batch, 1, H].
    /// </summary>
    public static byte[] TorchGruSliceLastStep(RecurrentLayer gru, DenseLayer head)
    {
        var g = new OnnxGraphs();
        g.Input("input", (int)DataType.Float, -1, -1, Channels);
        string x = g.Op("Transpose", ["input"], Ints("perm", 1, 0, 2));
        var (y, _, _) = g.Recurrent(gru, x, "gru_", torchStyle: true);
        x = g.Op("Squeeze", [y, g.Ints("axes_1", [1], 1)]);
        x = g.Op("Transpose", [x], Ints("perm", 1, 0, 2));
        x = g.Op("Slice", [x, g.Ints("starts", [-1], 1), g.Ints("ends", [long.MaxValue], 1), g.Ints("slice_axes", [1], 1), g.Ints("steps", [1], 1)]);
        x = g.Op("MatMul", [x, g.Floats("fc.weight_t", Transposed(head.W, head.OutputSize, head.InputSize), head.InputSize, head.OutputSize)]);
        x = g.Op("Add", [x, g.Floats("fc.bias", head.B, head.OutputSize)]);
        g.Node("Squeeze", [x, g.Ints("axes_1c", [1], 1)], ["logits"]);
        g.Output("logits", -1, head.OutputSize);
        return g.ToBytes();
    }

    /// <summary>tf2onnx of Keras <c>GRU(H, return_sequences=True)</c> + <c>Dense(C)</c> (a class every step): Y, Squeeze, Transpose back, MatMul + Add.</summary>
    public static byte[] KerasGruEveryStep(RecurrentLayer gru, DenseLayer head)
    {
        var g = new OnnxGraphs();
        g.Input("gru_input", (int)DataType.Float, -1, -1, Channels);
        string x = g.Op("Transpose", ["gru_input"], Ints("perm", 1, 0, 2));
        var (y, _, _) = g.Recurrent(gru, x, "sequential/gru/", torchStyle: true);
        x = g.Op("Squeeze", [y, g.Ints("axes_1", [1], 1)]);
        x = g.Op("Transpose", [x], Ints("perm", 1, 0, 2));
        x = g.Op("MatMul", [x, g.Floats("dense/kernel", Transposed(head.W, head.OutputSize, head.InputSize), head.InputSize, head.OutputSize)]);
        g.Node("Add", [x, g.Floats("dense/bias", head.B, head.OutputSize)], ["dense"]);
        g.Output("dense", -1, -1, head.OutputSize);
        return g.ToBytes();
    }

    /// <summary>
    /// torch.onnx.export of <c>_, h_n = nn.GRU(6, H, num_layers=2, batch_first=True)(x); return nn.Linear(H, C)(h_n[-1])</c>:
    /// h_n is the Concat of the layers' Y_h along the layer axis, h_n[-1] a Gather of index -1 on it.
    /// </summary>
    public static byte[] TorchStackedGruFinalState(RecurrentLayer l0, RecurrentLayer l1, DenseLayer head)
    {
        var g = new OnnxGraphs();
        g.Input("input", (int)DataType.Float, -1, -1, Channels);
        string x = g.Op("Transpose", ["input"], Ints("perm", 1, 0, 2));
        var (y0, h0, _) = g.Recurrent(l0, x, "gru.l0_", torchStyle: true);
        x = g.Op("Squeeze", [y0, g.Ints("axes_1", [1], 1)]);
        var (_, h1, _) = g.Recurrent(l1, x, "gru.l1_", torchStyle: true);
        string hn = g.Op("Concat", [h0, h1], Int("axis", 0));
        x = g.Op("Gather", [hn, g.Ints("last", [-1])], Int("axis", 0));
        g.Node("Gemm", [x, g.Floats("fc.weight", head.W, head.OutputSize, head.InputSize), g.Floats("fc.bias", head.B, head.OutputSize)], ["logits"], Int("transB", 1));
        g.Output("logits", -1, head.OutputSize);
        return g.ToBytes();
    }

    /// <summary>Zeros [1, batch, H] from the input's batch size, the way torch traces <c>torch.zeros(1, x.size(0), H)</c>.</summary>
    private static string ZeroState(OnnxGraphs g, string input, int batchAxis, int hidden)
    {
        string shape = g.Op("Shape", [input]);
        string batch = g.Op("Gather", [shape, g.Ints("batch_axis", [batchAxis])], Int("axis", 0));
        batch = g.Op("Unsqueeze", [batch, g.Ints("axes_0u", [0], 1)]);
        string dims = g.Op("Concat", [g.Ints("one", [1], 1), batch, g.Ints("hidden", [hidden], 1)], Int("axis", 0));
        var zero = new Proto.TensorProto { DataType = (int)DataType.Float };
        zero.Dims.Add(1);
        zero.FloatData.Add(0f);
        return g.Op("ConstantOfShape", [dims], new Proto.AttributeProto { Name = "value", Type = Proto.AttributeProto.Types.AttributeType.Tensor, T = zero });
    }

    public static float[] Transposed(float[] m, int rows, int cols)
    {
        var t = new float[m.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                t[c * rows + r] = m[r * cols + c];
        return t;
    }
}
