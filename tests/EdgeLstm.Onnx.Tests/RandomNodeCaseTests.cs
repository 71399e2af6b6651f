using EdgeLstm.Core.Model;
using EdgeLstm.Onnx.Conformance;
using EdgeLstm.Onnx.Proto;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;
using static EdgeLstm.Onnx.Proto.TensorProto.Types;

namespace EdgeLstm.Onnx.Tests;

/// <summary>
/// Random-weight node-test cases built here with Google.Protobuf, their expected outputs computed
/// by ONNX Runtime, written as ONNX backend node-test folders and run through exactly what
/// `edgelstm onnx-test` runs. Random weights (unlike the ONNX project's constant-weight cases)
/// check gate order, bias halves and peephole order. ONNX Runtime has no kernel for layout=1,
/// so those cases are computed by a layout-0 run on transposed data and transposed back.
/// </summary>
public class RandomNodeCaseTests(ITestOutputHelper output)
{
    private const int Batch = 3, Inputs = 5;

    /// <summary>
    /// A case of batch 3 and 5 inputs; <paramref name="InitialHidden"/> is the amplitude of the random
    /// initial_h (above 1: outside the integer engine's contract).
    /// </summary>
    public sealed record NodeCase(string Variant, float Clip = 0, int Layout = 0, bool SequenceLens = false, bool InitialStates = false,
        float InitialHidden = 0.8f, int Steps = 9, int Hidden = 6, float WeightScale = 0)
    {
        public override string ToString() =>
            $"{Variant}{(Clip > 0 ? "_clip" : "")}{(Layout == 1 ? "_layout1" : "")}{(SequenceLens ? "_seqlens" : "")}{(InitialStates ? "_initial" : "")}" +
            (InitialHidden != 0.8f ? FormattableString.Invariant($"_h{InitialHidden}") : "") +
            (Steps != 9 || Hidden != 6 ? $"_T{Steps}_H{Hidden}" : "") +
            (WeightScale != 0 ? FormattableString.Invariant($"_w{WeightScale}") : "");
    }

    public static IEnumerable<object[]> Cases() => new NodeCase[]
    {
        new("rnn"), new("rnn", Clip: 0.8f), new("rnn", SequenceLens: true, InitialStates: true), new("rnn", Layout: 1, SequenceLens: true, InitialStates: true),
        new("lstm"), new("lstm", Clip: 1.1f), new("lstm", SequenceLens: true, InitialStates: true), new("lstm", Layout: 1, InitialStates: true),
        new("peephole"), new("peephole", Clip: 1.1f, InitialStates: true), new("cifg"), new("cifg-peephole", SequenceLens: true, InitialStates: true),
        new("lstm", Layout: 1, Clip: 1.1f, SequenceLens: true, InitialStates: true),
        new("gru"), new("gru-lbr0"), new("gru", Clip: 0.9f), new("gru-lbr0", Clip: 0.9f),
        new("gru", SequenceLens: true, InitialStates: true), new("gru-lbr0", SequenceLens: true, InitialStates: true),
        new("gru", Layout: 1, SequenceLens: true, InitialStates: true), new("gru-lbr0", Layout: 1),
    }.Select(c => new object[] { c });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Random_weight_case_passes_onnx_test_limits_against_onnx_runtime(NodeCase c)
    {
        var results = RunLogged(c);
        bool lstm = c.Variant is "lstm" or "peephole" or "cifg" or "cifg-peephole";
        Assert.Equal(lstm ? ["Y", "Y_h", "Y_c"] : new[] { "Y", "Y_h" }, results.Select(r => r.Output));
        foreach (var r in results)
            Assert.True(r.Passed, $"{c} {r.Output}: float {r.FloatError:E3}, int {r.IntError:E3}, floor {r.FloorError:E3}");
    }

    public static IEnumerable<object[]> OutOfContractCases() => new NodeCase[]
    {
        new("lstm", InitialStates: true, InitialHidden: 2.5f), new("peephole", InitialStates: true, InitialHidden: 2.5f),
        new("gru", InitialStates: true, InitialHidden: 2.5f), new("gru-lbr0", InitialStates: true, InitialHidden: 2.5f),
        new("rnn", InitialStates: true, InitialHidden: 2.5f),
    }.Select(c => new object[] { c });

    /// <summary>
    /// initial_h outside [-1, 1] is outside the integer engine's contract (its Q0.15 hidden state
    /// saturates it, docs/onnx.md): the integer engine is reported SKIP with the reason, not FAIL,
    /// and the float engine is still judged against ONNX Runtime.
    /// </summary>
    [Theory]
    [MemberData(nameof(OutOfContractCases))]
    public void Initial_hidden_states_outside_unit_range_skip_the_integer_engine_and_still_judge_the_float_engine(NodeCase c)
    {
        var results = RunLogged(c);
        foreach (var r in results)
        {
            Assert.Equal("SKIP", r.Verdict);
            Assert.False(r.Failed);
            Assert.True(r.FloatPassed, $"{c} {r.Output}: float {r.FloatError:E3}");
            Assert.StartsWith("initial_h outside [-1, 1] in data set 0 (max |h| 2.", r.IntegerSkipReason);
        }
        // Not a formality: the saturated start makes the integer engine miss the case by far.
        Assert.Contains(results, r => !r.IntegerPassed);

        // The float engine is still judged: with two gates swapped the same case fails.
        if (c.Variant == "lstm")
            Assert.All(ConformanceRunner.Run(NodeTestCase.Load(Write(c, seed: 5, swapGates: true))), r => Assert.Equal("FAIL", r.Verdict));
    }

    [Fact]
    public void Initial_hidden_states_on_the_unit_range_are_judged()
    {
        // |h| <= 1 is inside the contract (1.0 itself saturates to 1 - 2^-15).
        var results = ConformanceRunner.Run(NodeTestCase.Load(Write(new NodeCase("gru", InitialStates: true, InitialHidden: 1f), seed: 9)));
        Assert.All(results, r => Assert.Equal("PASS", r.Verdict));
    }

    /// <summary>
    /// A peephole LSTM's Y_c can miss by several times the weight-rounding floor (docs/onnx.md,
    /// "Peephole LSTMs and the gate range"): H = 32 over 40 steps from zero states, larger random
    /// weights. Not the arithmetic: the peephole term p_f ⊙ c grows with the cell (|c| up to 24-30
    /// here) and pushes the forget gate's pre-activation past Q3.12's +8, where the engine's
    /// sigmoid stops at σ(8) = 32757/32768 while the float engine's goes on to 1: the cell forgets
    /// 3.4e-4 of itself on each such step. The float engine on the dequantized weights with its
    /// pre-activations clamped to Q3.12's range (ONNX clip = 32767/4096) reproduces the error.
    /// </summary>
    [Theory]
    [InlineData(0.6124f, 24)]
    [InlineData(0.8f, 26)]
    [InlineData(0.8f, 27)]
    public void Peephole_cell_error_beyond_the_floor_is_the_gate_pre_activation_range(float weights, int seed)
    {
        var c = new NodeCase("peephole", Steps: 40, Hidden: 32, WeightScale: weights);
        var testCase = NodeTestCase.Load(Write(c, seed));
        var yc = ConformanceRunner.Run(testCase).Single(r => r.Output == "Y_c");
        var model = RecurrentSequenceRunner.Quantize(RecurrentSequenceRunner.SingleLayerModel(testCase.Node.Layer), testCase.Node, testCase.DataSets.Select(d => d.Inputs));
        var dequantized = model.Integer!.Dequantize();
        dequantized.Layers[0].Clip = short.MaxValue / 4096f;
        var ranged = new FloatLayerStepper(new Core.Float.FloatSession(dequantized, model.Metadata));
        double rangeFloor = testCase.DataSets.Max(d => ConformanceRunner.MaxAbsError(RecurrentSequenceRunner.Run(testCase.Node, d.Inputs, ranged).YC!, d.Expected["Y_c"]));
        output.WriteLine($"{c} seed {seed} Y_c: int={yc.IntError:E3} floor={yc.FloorError:E3} floor with Q3.12's range={rangeFloor:E3} cell Q{15 - model.Integer.Layers[0].CellFracBits}.{model.Integer.Layers[0].CellFracBits}");
        Assert.True(yc.FloatError < 2e-5, $"float {yc.FloatError:E3}"); // float32 rounding on cells near 25: up to 1.1e-5
        Assert.True(yc.IntError > 2.5 * yc.FloorError, $"int {yc.IntError:E3}, floor {yc.FloorError:E3}");
        Assert.True(rangeFloor > 2.5 * yc.FloorError, $"range floor {rangeFloor:E3}, floor {yc.FloorError:E3}");
        Assert.InRange(yc.IntError / rangeFloor, 0.8, 1.25);
    }

    [Fact]
    public void Gate_order_matters_swapping_two_gates_fails_the_case()
    {
        // The check has teeth: the same case with the LSTM's forget and output gate rows swapped in
        // the model given to our engines (but not to ONNX Runtime) must fail.
        string dir = Write(new NodeCase("lstm"), seed: 5, swapGates: true);
        var results = ConformanceRunner.Run(NodeTestCase.Load(dir));
        Assert.All(results, r => Assert.False(r.Passed));
    }

    /// <summary>Writes case c with its seed, runs it and logs each output's verdict and errors (and why the integer engine was skipped, if it was).</summary>
    private IReadOnlyList<ConformanceResult> RunLogged(NodeCase c)
    {
        var results = ConformanceRunner.Run(NodeTestCase.Load(Write(c, Seed(c))));
        foreach (var r in results)
            output.WriteLine($"{c} {r.Output} {r.Verdict} float={r.FloatError:E2} int={r.IntError:E2} floor={r.FloorError:E2} {r.IntegerSkipReason}".TrimEnd());
        return results;
    }

    /// <summary>
    /// A case's seed, from its name: the same in every run (string.GetHashCode is randomized per
    /// process, which made every run test other weights and a failure impossible to reproduce).
    /// </summary>
    internal static int Seed(NodeCase c)
    {
        uint hash = 2166136261; // FNV-1a
        foreach (char ch in c.ToString()) hash = (hash ^ ch) * 16777619;
        return (int)(hash & 0xffff);
    }

    /// <summary>Builds the case, computes its expected outputs in ONNX Runtime, writes the folder; returns its path.</summary>
    internal static string Write(NodeCase c, int seed, bool swapGates = false)
    {
        var random = new Random(seed);
        var layer = Layer(c, random);
        bool lstm = layer.Kind == CellKind.Lstm;

        float[] x = Uniform(random, c.Steps * Batch * Inputs, 2f);                // layout 0: [T, B, I]
        int[] lens = [c.Steps, 4, c.Steps - 2];
        float[] h0 = Uniform(random, Batch * c.Hidden, c.InitialHidden);           // [1, B, H]
        float[] c0 = Uniform(random, Batch * c.Hidden, 1.5f);

        var inputs = new List<NamedOnnxValue> { OrtRuns.FloatInput("X", x, c.Steps, Batch, Inputs) };
        if (c.SequenceLens) inputs.Add(OrtRuns.IntInput("sequence_lens", lens, Batch));
        if (c.InitialStates)
        {
            inputs.Add(OrtRuns.FloatInput("initial_h", h0, 1, Batch, c.Hidden));
            if (lstm) inputs.Add(OrtRuns.FloatInput("initial_c", c0, 1, Batch, c.Hidden));
        }
        var expected = OrtRuns.Run(Model(c, layer, layout: 0).ToBytes(), inputs);

        string dir = Directory.CreateTempSubdirectory("edgelstm-node-case").FullName;
        string set = Directory.CreateDirectory(Path.Combine(dir, "test_data_set_0")).FullName;
        if (swapGates) SwapRows(layer, Gates.LstmOutput, Gates.LstmForget);
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), Model(c, layer, c.Layout).ToBytes());
        int k = 0;
        bool t = c.Layout == 1;
        WritePb(set, "input", k++, Raw("X", t ? Transpose3(x, c.Steps, Batch, Inputs) : x, t ? [Batch, c.Steps, Inputs] : [c.Steps, Batch, Inputs]));
        if (c.SequenceLens)
        {
            var lensProto = new TensorProto { Name = "sequence_lens", DataType = (int)DataType.Int32 };
            lensProto.Dims.Add(Batch);
            lensProto.Int32Data.Add(lens);
            WritePb(set, "input", k++, lensProto);
        }
        if (c.InitialStates)
        {
            long[] stateDims = t ? [Batch, 1, c.Hidden] : [1, Batch, c.Hidden];
            WritePb(set, "input", k++, Typed("initial_h", h0, stateDims)); // [1, B, H] and [B, 1, H] hold the same order
            if (lstm) WritePb(set, "input", k++, Typed("initial_c", c0, stateDims));
        }
        k = 0;
        var y = expected["Y"];
        WritePb(set, "output", k++, Raw("Y", t ? Transpose3(y.Data, c.Steps, Batch, c.Hidden) : y.Data, t ? [Batch, c.Steps, 1, c.Hidden] : y.Dims));
        WritePb(set, "output", k++, Raw("Y_h", expected["Y_h"].Data, t ? [Batch, 1, c.Hidden] : expected["Y_h"].Dims));
        if (lstm) WritePb(set, "output", k++, Raw("Y_c", expected["Y_c"].Data, t ? [Batch, 1, c.Hidden] : expected["Y_c"].Dims));
        return dir;
    }

    private static RecurrentLayer Layer(NodeCase c, Random random)
    {
        string variant = c.Variant == "cifg-peephole" ? "peephole" : c.Variant;
        var l = CellVariant.CreateLayer(variant, Inputs, c.Hidden);
        if (c.Variant == "cifg-peephole") l.InputForget = true;
        l.Clip = c.Clip;
        float k = c.WeightScale > 0 ? c.WeightScale : 1.5f / MathF.Sqrt(c.Hidden);
        Fill(random, l.W, k); Fill(random, l.R, k); Fill(random, l.Wb, k); Fill(random, l.Rb, k);
        if (l.Peepholes is not null) Fill(random, l.Peepholes, k);
        return l;
    }

    private static OnnxGraphs Model(NodeCase c, RecurrentLayer l, int layout)
    {
        var g = new OnnxGraphs();
        bool t = layout == 1, lstm = l.Kind == CellKind.Lstm;
        long[] stateDims = t ? [Batch, 1, c.Hidden] : [1, Batch, c.Hidden];
        g.Input("X", (int)DataType.Float, t ? [Batch, c.Steps, Inputs] : [c.Steps, Batch, Inputs]);
        if (c.SequenceLens) g.Input("sequence_lens", (int)DataType.Int32, Batch);
        if (c.InitialStates)
        {
            g.Input("initial_h", (int)DataType.Float, stateDims);
            if (lstm) g.Input("initial_c", (int)DataType.Float, stateDims);
        }
        var node = g.Graph.Node;
        var (y, yh, yc) = g.Recurrent(l, "X", "", layout, c.SequenceLens ? "sequence_lens" : "", c.InitialStates ? "initial_h" : "", c.InitialStates && lstm ? "initial_c" : "");
        // Name the node's outputs as the ONNX backend cases do.
        var n = node[^1];
        n.Output.Clear();
        n.Output.Add(lstm ? ["Y", "Y_h", "Y_c"] : new[] { "Y", "Y_h" });
        g.Output("Y", t ? [Batch, c.Steps, 1, c.Hidden] : [c.Steps, 1, Batch, c.Hidden]);
        g.Output("Y_h", stateDims);
        if (lstm) g.Output("Y_c", stateDims);
        _ = (y, yh, yc);
        return g;
    }

    private static void SwapRows(RecurrentLayer l, int gateA, int gateB)
    {
        int hs = l.HiddenSize;
        void Swap(float[] m, int cols)
        {
            for (int r = 0; r < hs; r++)
                for (int j = 0; j < cols; j++)
                    (m[(gateA * hs + r) * cols + j], m[(gateB * hs + r) * cols + j]) = (m[(gateB * hs + r) * cols + j], m[(gateA * hs + r) * cols + j]);
        }
        Swap(l.W, l.InputSize); Swap(l.R, hs); Swap(l.Wb, 1); Swap(l.Rb, 1);
    }

    /// <summary>[A, B, rest] to [B, A, rest].</summary>
    private static float[] Transpose3(float[] v, int a, int b, int rest)
    {
        var result = new float[v.Length];
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
                Array.Copy(v, (i * b + j) * rest, result, (j * a + i) * rest, rest);
        return result;
    }

    private static TensorProto Raw(string name, float[] data, long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)DataType.Float, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan())) };
        t.Dims.Add(dims);
        return t;
    }

    private static TensorProto Typed(string name, float[] data, long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)DataType.Float };
        t.Dims.Add(dims);
        t.FloatData.Add(data);
        return t;
    }

    private static void WritePb(string set, string kind, int k, TensorProto t) => File.WriteAllBytes(Path.Combine(set, $"{kind}_{k}.pb"), t.ToByteArray());

    private static float[] Uniform(Random random, int n, float k) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1) * k).ToArray();

    private static void Fill(Random random, float[] values, float k)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * k;
    }
}
