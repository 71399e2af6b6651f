using EdgeLstm.Bench;
using EdgeLstm.Core.Float;
using EdgeLstm.Core.Model;
using EdgeLstm.Core.Quantization;
using Xunit.Abstractions;

namespace EdgeLstm.Onnx.Tests;

/// <summary>
/// ONNX Runtime as the oracle of the cells' semantics: random-weight networks of every variant are
/// exported as ONNX RNN/LSTM/GRU nodes and stepped through ONNX Runtime and through both of our
/// engines. Random weights exercise gate order, bias halves, peephole order, the coupled gate,
/// both GRU forms and clip, which constant-weight conformance cases cannot.
/// </summary>
public class OnnxRuntimeOracleTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Cases() =>
        from variant in CellVariant.OnnxNames.Append("cifg-peephole")
        from clip in new[] { 0f, 1.2f }
        select new object[] { variant, clip };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Both_engines_follow_onnx_runtime(string variant, float clip)
    {
        string v = variant == "cifg-peephole" ? "peephole" : variant;
        var shape = new NetworkShape("oracle", 7, [(v, 19), (v, 12)], 5);
        var model = RandomModels.Create(shape, 21);
        foreach (var l in model.Float!.Layers)
        {
            l.Clip = clip;
            if (variant == "cifg-peephole") l.InputForget = true;
            // Larger weights than the default initialization, so clip and saturation actually bite.
            for (int i = 0; i < l.W.Length; i++) l.W[i] *= 3;
        }
        model = QuantizeModel.WithIntegerForm(model, RandomModels.RandomSequences(7, 3, 150, 22));
        using var ort = new OrtStreamingSession(model.Float!);
        var ours = model.CreateFloatSession();
        var floor = new FloatSession(model.Integer!.Dequantize(), model.Metadata);
        var integer = model.CreateIntegerSession();

        double floatError = 0, floorError = 0, intError = 0;
        foreach (var x in RandomModels.RandomSequences(7, 1, 200, 23)[0])
        {
            ort.Step(x); // random models normalize with mean 0, std 1: the raw sample is the normalized one
            ours.Step(x); floor.Step(x); integer.Step(x);
            for (int layer = 0; layer < 2; layer++)
            {
                var expected = ort.Hidden(layer);
                var hf = ours.Hidden(layer);
                var hd = floor.Hidden(layer);
                var hi = integer.Hidden(layer);
                for (int k = 0; k < expected.Length; k++)
                {
                    floatError = Math.Max(floatError, Math.Abs(hf[k] - expected[k]));
                    floorError = Math.Max(floorError, Math.Abs(hd[k] - expected[k]));
                    intError = Math.Max(intError, Math.Abs(hi[k] / 32768.0 - expected[k]));
                }
                var cell = ort.Cell(layer);
                for (int k = 0; k < cell.Length; k++) floatError = Math.Max(floatError, Math.Abs(ours.Cell(layer)[k] - cell[k]));
            }
            for (int c = 0; c < ort.Logits.Length; c++) floatError = Math.Max(floatError, Math.Abs(ours.Logits[c] - ort.Logits[c]));
        }
        output.WriteLine($"{variant} clip={clip}: float {floatError:E2}, floor {floorError:E2}, int {intError:E2}");
        Assert.True(floatError <= 1e-5, $"float reference differs from ONNX Runtime by {floatError:E3}");
        // The integer arithmetic adds at most 2e-3 to the error of the rounded weights (DESIGN.md section 3).
        Assert.True(intError <= floorError + 2e-3, $"integer error {intError:E3}, floor {floorError:E3}");
    }
}
