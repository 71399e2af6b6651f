using EdgeLstm.Core.Float;
using EdgeLstm.Core.Integer;
using EdgeLstm.Core.Model;
using Xunit.Abstractions;

namespace EdgeLstm.Core.Tests;

public class EngineAgreementTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> VariantsOnVectorWidths() => Kernels.Vector(TestModels.Variants());

    public static IEnumerable<object[]> FusedVariantsOnVectorWidths() => Kernels.Vector(new[] { "lstm", "cifg", "gru" }.Select(v => new object[] { v }));

    public static IEnumerable<object[]> InputWidthsOnVectorWidths() => Kernels.Vector(new[] { 9, 6, 8, 4, 3 }.Select(n => new object[] { n }));

    [KernelTheory]
    [MemberData(nameof(VariantsOnVectorWidths))]
    public void Every_kernel_path_is_bit_identical_to_the_scalar_reference(KernelChoice choice, string variant)
    {
        foreach (var (hidden, layers, clip) in new[] { (37, 1, 0f), (64, 2, 0f), (5, 1, 0f), (48, 2, 1.5f) })
        {
            var model = TestModels.Quantized(variant, inputs: 7, hidden: hidden, layers: layers, clip: clip, seed: hidden);
            var reference = Run(model.CreateIntegerSession(KernelChoice.Scalar), TestModels.Inputs(7, 99));
            var actual = Run(model.CreateIntegerSession(choice), TestModels.Inputs(7, 99));
            Assert.True(reference.SequenceEqual(actual), $"{variant} H={hidden} x{layers}: {choice} differs from scalar");
        }
    }

    /// <summary>
    /// The fused LSTM and GRU steps (one pass per block of hidden units) at unit counts around
    /// every vector width (padded units), inputs of odd width and narrower than a vector (K = 9 as
    /// in the benchmark shapes, 1, 3, 17), int16-held weights (small layers) and int8 (large),
    /// stacked so a fused layer reads another's double-buffered hidden state.
    /// </summary>
    [KernelTheory]
    [MemberData(nameof(FusedVariantsOnVectorWidths))]
    public void Fused_steps_are_bit_identical_to_the_scalar_reference_around_the_vector_widths(KernelChoice choice, string variant)
    {
        foreach (var (inputs, hidden, layers) in new[] { (9, 32, 1), (1, 1, 1), (3, 4, 2), (17, 8, 1), (9, 15, 2), (2, 16, 1), (9, 33, 1), (9, 100, 1) })
        {
            var model = TestModels.Quantized(variant, inputs: inputs, hidden: hidden, layers: layers, seed: hidden + inputs);
            var reference = Run(model.CreateIntegerSession(KernelChoice.Scalar), TestModels.Inputs(inputs, 5, sequences: 1, length: 150));
            var actual = Run(model.CreateIntegerSession(choice), TestModels.Inputs(inputs, 5, sequences: 1, length: 150));
            Assert.True(reference.SequenceEqual(actual), $"{variant} I={inputs} H={hidden} x{layers}: {choice} differs from scalar");
        }
    }

    /// <summary>
    /// The vector input boundary against the scalar formula: ties, saturation, infinities, NaN; widths
    /// that end with an overlapping group (9, 6), whole groups (4, 8) and fewer than one group (3).
    /// </summary>
    [KernelTheory]
    [MemberData(nameof(InputWidthsOnVectorWidths))]
    public void Input_quantization_is_bit_identical_to_the_scalar_reference(KernelChoice choice, int inputs)
    {
        var model = TestModels.Quantized("lstm", inputs: inputs, hidden: 8);
        var (offset, multiplier) = (model.Integer!.InputOffset, model.Integer.InputMultiplier);
        float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e30f, -1e30f, float.Epsilon];
        var scalar = model.CreateIntegerSession(KernelChoice.Scalar);
        var vector = model.CreateIntegerSession(choice);
        var rng = new Random(3);
        short[] expected = new short[inputs], actual = new short[inputs];
        var x = new float[inputs];
        for (int t = 0; t < 20_000; t++)
        {
            for (int j = 0; j < inputs; j++)
                x[j] = rng.Next(8) == 0 ? special[rng.Next(special.Length)]
                    : offset[j] + rng.Next(-80_000, 80_000) / 2f / multiplier[j]; // half-integers: ties, and beyond the int16 range
            scalar.QuantizeInput(x, expected);
            vector.QuantizeInput(x, actual);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{choice}: [{string.Join(", ", x)}] gave [{string.Join(", ", actual)}], scalar [{string.Join(", ", expected)}]");
        }
    }

    [Theory]
    [MemberData(nameof(TestModels.Variants), MemberType = typeof(TestModels))]
    public void Integer_engine_tracks_the_float_reference_within_the_numeric_contract(string variant)
    {
        var model = TestModels.Quantized(variant, hidden: 32, layers: 2);
        var floatSession = model.CreateFloatSession();
        var floorSession = new FloatSession(model.Integer!.Dequantize(), model.Metadata);
        var intSession = model.CreateIntegerSession();
        double floor = 0, arithmetic = 0, total = 0;
        int agree = 0, steps = 0;
        foreach (var seq in TestModels.Inputs(9, 5, sequences: 3, length: 300))
        {
            floatSession.Reset(); floorSession.Reset(); intSession.Reset();
            foreach (var x in seq)
            {
                floatSession.Step(x); floorSession.Step(x); intSession.Step(x);
                int last = intSession.LayerCount - 1;
                var hf = floatSession.Hidden(last);
                var hd = floorSession.Hidden(last);
                var hi = intSession.Hidden(last);
                for (int k = 0; k < hf.Length; k++)
                {
                    floor = Math.Max(floor, Math.Abs(hd[k] - hf[k]));
                    arithmetic = Math.Max(arithmetic, Math.Abs(hi[k] / 32768.0 - hd[k]));
                    total = Math.Max(total, Math.Abs(hi[k] / 32768.0 - hf[k]));
                }
                agree += floatSession.Predicted == intSession.Predicted ? 1 : 0;
                steps++;
            }
        }
        output.WriteLine($"{variant}: floor {floor:E3}, integer arithmetic {arithmetic:E3}, total {total:E3}, decisions agree {100.0 * agree / steps:F2}%");
        Assert.True(floor <= 0.02, $"weight rounding floor {floor}");
        Assert.True(total <= floor + 2e-3, $"total error {total:E3} exceeds floor {floor:E3} + 2e-3");
        Assert.True(agree >= 0.95 * steps, $"decisions agree on {agree} of {steps} steps");
    }

    private static List<int> Run(IntegerSession session, List<float[][]> sequences)
    {
        var trace = new List<int>();
        foreach (var seq in sequences)
        {
            session.Reset();
            foreach (var x in seq)
            {
                session.Step(x);
                foreach (int l in session.Logits) trace.Add(l);
                for (int layer = 0; layer < session.LayerCount; layer++)
                {
                    foreach (short h in session.Hidden(layer)) trace.Add(h);
                    foreach (int c in session.Cell(layer)) trace.Add(c);
                }
            }
        }
        return trace;
    }
}
