using EdgeLstm.Core.Float;
using EdgeLstm.Core.Integer;
using EdgeLstm.Core.Model;
using Xunit.Abstractions;

namespace EdgeLstm.Core.Tests;

/// <summary>
/// The attention head in both engines: the float session against the equations evaluated
/// directly in double, the integer engine's kernel paths against the scalar reference bit for bit,
/// the integer engine against the float reference within DESIGN.md section 3, allocation-free
/// steps, and the refusal of a streaming attention model.
/// </summary>
public class AttentionEngineTests(ITestOutputHelper output)
{
    public static TheoryData<string, int, int> Shapes() => new()
    {
        { "lstm", 32, 1 }, { "lstm", 37, 1 }, { "gru", 24, 2 }, { "peephole", 5, 1 }, { "lstm", 64, 2 }, { "rnn", 17, 1 },
    };

    [Fact]
    public void Float_session_pools_as_the_equations_say_over_the_window_and_then_the_last_steps()
    {
        var model = AttentionModels.Quantized(hidden: 12, steps: 20);
        var net = model.Float!;
        var lastState = new FloatSession(new FloatNetwork(net.Layers, net.Head), model.Metadata);
        var session = model.CreateFloatSession();
        var hiddens = new List<float[]>();
        var sequence = AttentionModels.Windows(9, 50, 1, 5)[0];
        session.Reset(); lastState.Reset();
        for (int t = 0; t < sequence.Length; t++)
        {
            session.Step(sequence[t]);
            lastState.Step(sequence[t]);
            hiddens.Add(lastState.Hidden(net.Layers.Count - 1).ToArray());
            if (t is 0 or 7 or 19 or 20 or 49)
            {
                var expected = Reference(net, hiddens.Skip(Math.Max(0, hiddens.Count - 20)).ToList());
                var logits = session.Logits;
                for (int c = 0; c < expected.Length; c++)
                    Assert.True(Math.Abs(expected[c] - logits[c]) <= 1e-5, $"step {t} class {c}: {logits[c]} against {expected[c]}");
                Assert.Equal(Math.Min(t + 1, 20), session.AttentionWeights.Length);
            }
        }
    }

    /// <summary>e_t = v · tanh(W h_t + B), α = softmax(e), logits = W_d Σ α_t h_t + B_d, in double.</summary>
    private static double[] Reference(FloatNetwork net, List<float[]> states)
    {
        var a = net.Attention!;
        int hs = a.HiddenSize;
        var scores = states.Select(h =>
        {
            double e = 0;
            for (int k = 0; k < a.Size; k++)
            {
                double z = a.B[k];
                for (int j = 0; j < hs; j++) z += a.W[k * hs + j] * (double)h[j];
                e += a.V[k] * Math.Tanh(z);
            }
            return e;
        }).ToArray();
        double max = scores.Max();
        var w = scores.Select(e => Math.Exp(e - max)).ToArray();
        double sum = w.Sum();
        var context = new double[hs];
        for (int t = 0; t < states.Count; t++)
            for (int j = 0; j < hs; j++) context[j] += w[t] / sum * states[t][j];
        var logits = new double[net.OutputSize];
        for (int c = 0; c < logits.Length; c++)
        {
            logits[c] = net.Head.B[c];
            for (int j = 0; j < hs; j++) logits[c] += net.Head.W[c * hs + j] * context[j];
        }
        return logits;
    }

    public static IEnumerable<object[]> ShapesOnVectorWidths() => Kernels.Vector(Shapes());

    [KernelTheory]
    [MemberData(nameof(ShapesOnVectorWidths))]
    public void Every_kernel_path_pools_bit_identically_to_the_scalar_reference(KernelChoice choice, string variant, int hidden, int layers)
    {
        var model = AttentionModels.Quantized(variant, hidden, layers, steps: 33, seed: hidden);
        var windows = AttentionModels.Windows(9, 50, 3, 17);
        var reference = Trace(model.CreateIntegerSession(KernelChoice.Scalar), windows);
        Assert.True(reference.SequenceEqual(Trace(model.CreateIntegerSession(choice), windows)), $"{variant} H={hidden} x{layers}: {choice} differs from scalar");
    }

    /// <summary>Logits, context and attention weights after every step (each read pools), over windows longer than the buffer.</summary>
    private static List<int> Trace(IntegerSession session, List<float[][]> windows)
    {
        var trace = new List<int>();
        foreach (var window in windows)
        {
            session.Reset();
            foreach (var x in window)
            {
                session.Step(x);
                foreach (int l in session.Logits) trace.Add(l);
                foreach (short c in session.HeadInput) trace.Add(c);
                foreach (int w in session.AttentionWeights) trace.Add(w);
            }
        }
        return trace;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Integer_attention_tracks_the_float_reference_within_the_numeric_contract(string variant, int hidden, int layers)
    {
        const int steps = 64;
        var model = AttentionModels.Quantized(variant, hidden, layers, steps, seed: 40 + hidden);
        var floatSession = model.CreateFloatSession();
        var floorSession = new FloatSession(model.Integer!.Dequantize(), model.Metadata);
        var intSession = model.CreateIntegerSession();
        double floor = 0, total = 0, weights = 0;
        int agree = 0, windows = 0;
        foreach (var window in AttentionModels.Windows(9, steps, 40, 41))
        {
            floatSession.Reset(); floorSession.Reset(); intSession.Reset();
            foreach (var x in window) { floatSession.Step(x); floorSession.Step(x); intSession.Step(x); }
            var cf = floatSession.HeadInput;
            var cd = floorSession.HeadInput;
            var ci = intSession.HeadInput;
            for (int k = 0; k < cf.Length; k++)
            {
                floor = Math.Max(floor, Math.Abs(cd[k] - cf[k]));
                total = Math.Max(total, Math.Abs(ci[k] / 32768.0 - cf[k]));
            }
            // Integer weights are by ring slot, which is chronological for a window of exactly the buffer's length.
            var af = floatSession.AttentionWeights;
            var ai = intSession.AttentionWeights;
            for (int t = 0; t < af.Length; t++) weights = Math.Max(weights, Math.Abs(ai[t] / 32768.0 - af[t]));
            agree += floatSession.Predicted == intSession.Predicted ? 1 : 0;
            windows++;
        }
        output.WriteLine($"{variant} {layers}x{hidden}: context floor {floor:E3}, total {total:E3}, attention weights {weights:E3}, decisions agree {agree}/{windows}");
        Assert.True(floor <= 0.02, $"weight rounding floor {floor}");
        Assert.True(total <= floor + 2e-3, $"context error {total:E3} exceeds floor {floor:E3} + 2e-3");
        Assert.True(agree >= 0.95 * windows, $"decisions agree on {agree} of {windows} windows");
    }

    [Fact]
    public void Integer_softmax_pieces_are_exact_where_they_must_be()
    {
        var table = Numerics.ActivationTable.ShiftedExp;
        // The largest score's own weight: about exp(-2^-12) in Q15, so the sum is never zero.
        Assert.InRange(table.Evaluate(short.MaxValue), 32700, 32767);
        // Far below the maximum the weight vanishes instead of wrapping.
        Assert.Equal(0, table.Evaluate(short.MinValue));
        // Error of the table against exp over its whole domain: below 2^-12 like the gate tables.
        for (int x = short.MinValue; x <= short.MaxValue; x++)
            Assert.True(Math.Abs(table.Evaluate(x) / 32768.0 - Math.Exp(x / 4096.0 - 8)) <= 1.0 / 4096, $"exp table at {x}");
    }

    [KernelTheory]
    [MemberData(nameof(Kernels.All), MemberType = typeof(Kernels))]
    public void Step_reset_and_reading_the_pooled_output_allocate_nothing(KernelChoice choice)
    {
        var model = AttentionModels.Quantized(hidden: 24, layers: 2, steps: 30);
        var inputs = AttentionModels.Windows(9, 400, 1, 4)[0];
        var probabilities = new float[6];
        var session = model.CreateIntegerSession(choice);
        var floatSession = model.CreateFloatSession();
        long allocated = Allocations.OfSteadyState(Pass);
        Assert.True(allocated == 0, $"{choice}: {allocated} bytes allocated over {inputs.Length} steps");

        void Pass()
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                session.Step(inputs[i]);
                floatSession.Step(inputs[i]);
                if (i % 7 == 0)
                {
                    session.GetProbabilities(probabilities);
                    floatSession.GetProbabilities(probabilities);
                    _ = session.Predicted + floatSession.Predicted;
                }
                if (i % 100 == 0) { session.Reset(); floatSession.Reset(); }
            }
        }
    }

    [Fact]
    public void A_streaming_model_with_an_attention_head_is_refused_with_a_reason()
    {
        var model = AttentionModels.Quantized(steps: 16);
        var metadata = ModelMetadata.Default(9, 6);
        var e = Assert.Throws<ModelException>(() => new EdgeModel(metadata, model.Float, model.Integer));
        Assert.Contains("must be windowed", e.Message);
        metadata.Mode = ClassificationMode.Windowed;
        metadata.Window = 17;
        metadata.Hop = 8;
        e = Assert.Throws<ModelException>(() => new EdgeModel(metadata, model.Float, model.Integer));
        Assert.Contains("does not fit its attention head's buffer of 16 steps", e.Message);
        var lastState = new FloatNetwork(model.Float!.Layers, model.Float.Head);
        metadata.Window = 16;
        e = Assert.Throws<ModelException>(() => new EdgeModel(metadata, lastState, model.Integer));
        Assert.Contains("disagree on the head", e.Message);
    }

    [Fact]
    public void Cost_model_amortizes_pooling_and_the_dense_head_over_the_window()
    {
        var model = AttentionModels.Quantized(hidden: 32, steps: 128);
        var lstm = model.Float!.Layers[0].MacsPerStep;
        // Score: 32x32 + 32; pooling 128x32 and head 32x6 once per window: 32 + ceil(192/128) = 34 per step.
        Assert.Equal(lstm + 32 * 32 + 32 + 32 + 2, model.Float.MacsPerStep);
        Assert.Equal(model.Float.MacsPerStep, model.Integer!.MacsPerStep);
    }
}
