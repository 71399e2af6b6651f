using CsCheck;
using EdgeLstm.Core.Integer;
using EdgeLstm.Core.Model;
using EdgeLstm.Core.Numerics;

namespace EdgeLstm.Core.Tests;

/// <summary>
/// Issue 17, item 2: the batched session against one <see cref="IntegerSession"/> per lane (the
/// scalar reference kernels), for every variant of the registry and every kernel choice: random
/// subsets of lanes step in random order, others reset (streams leave and join), and every stepped
/// lane's logits, hidden and cell states of every layer must be the same bits.
/// </summary>
public class BatchedSessionTests
{
    /// <summary>The kinds with a batched step; the others run one session per lane.</summary>
    private static readonly HashSet<string> BatchedVariants = ["lstm", "peephole", "cifg", "cifg-peephole", "gru", "gru-lbr0", "mut2", "rnn"]; // MUT2 runs as GRU with linear_before_reset = 0;

    public static IEnumerable<object[]> VariantsOnEveryKernelChoice() => Kernels.All(TestModels.Variants());

    public static IEnumerable<object[]> MatricesOnVectorWidths() => Kernels.Vector(new[] { (8, 9), (6, 64), (37, 7), (256, 64), (100, 33), (1, 1), (24, 2) }.Select(s => new object[] { s.Item1, s.Item2 }));

    [KernelTheory]
    [MemberData(nameof(VariantsOnEveryKernelChoice))]
    public void Lanes_stepped_in_random_subsets_match_one_session_per_lane(KernelChoice choice, string variant)
    {
        foreach (var (inputs, hidden, layers, capacity) in new[] { (9, 37, 2, 11), (7, 8, 1, 5), (9, 64, 1, 9), (9, 20, 2, 40) }) // 40: calls of several tiles
        {
            var model = TestModels.Quantized(variant, inputs: inputs, hidden: hidden, layers: layers, seed: hidden + capacity);
            var pool = TestModels.Inputs(inputs, hidden, sequences: 1, length: 97)[0];
            long all = (1L << capacity) - 1;
            // Per round: the lanes that step (a bit mask), the lanes reset before it, a rotation of the order, a sample offset.
            var rounds = Gen.Select(Gen.Long[0, all], Gen.Select(Gen.Long[0, all], Gen.Int[0, 3]).Select(r => r.Item2 == 0 ? r.Item1 : 0L), Gen.Int[0, capacity - 1], Gen.Int[0, 96]).Array[1, 40];
            rounds.Sample(plan =>
            {
                var batched = new BatchedIntegerSession(model.Integer!, capacity, choice);
                Assert.Equal(BatchedVariants.Contains(variant), batched.IsBatched);
                var single = Enumerable.Range(0, capacity).Select(_ => model.CreateIntegerSession(KernelChoice.Scalar)).ToArray();
                foreach (var (mask, resets, rotate, offset) in plan)
                {
                    for (int l = 0; l < capacity; l++)
                        if ((resets >> l & 1) != 0) { batched.Reset(l); single[l].Reset(); }
                    int[] lanes = [.. Enumerable.Range(0, capacity).Select(l => (l + rotate) % capacity).Where(l => (mask >> l & 1) != 0)];
                    var samples = new float[lanes.Length * inputs];
                    for (int j = 0; j < lanes.Length; j++)
                    {
                        var x = pool[(offset + 7 * lanes[j]) % pool.Length];
                        x.CopyTo(samples, j * inputs);
                        single[lanes[j]].Step(x);
                    }
                    batched.Step(lanes, samples);
                    for (int l = 0; l < capacity; l++) AssertLaneEqual(single[l], batched, l, $"{variant} {choice} H={hidden} x{layers} K={capacity}");
                }
            }, iter: 12);
        }
    }

    /// <summary>The products for several lanes at once give each lane exactly MatVec's accumulators, on every width, at odd sizes and lane counts around the 4-lane groups.</summary>
    [KernelTheory]
    [MemberData(nameof(MatricesOnVectorWidths))]
    public unsafe void MatMat_gives_every_lane_the_accumulators_of_MatVec(KernelChoice choice, int rows, int cols)
    {
        var kernels = KernelSupport.Create(choice);
        var scalar = KernelSupport.Create(KernelChoice.Scalar);
        Gen.Select(Gen.SByte.Array[rows * cols], Gen.Short.Array[9 * (cols + 1)], Gen.Int[1, 9]).Sample((weights, x, lanes) =>
        {
            var source = new QuantizedMatrix(rows, cols, weights, new float[rows], [.. Enumerable.Repeat(Requantizer.FromFactor(0.125), rows)]);
            var arena = new PinnedArena();
            var m = kernels.Prepare(source, arena);
            var reference = scalar.Prepare(source, arena);
            short** xs = arena.Table<short>(lanes, cols + 1);
            int** acc = arena.Table<int>(lanes, m.RowsPadded);
            int* expected = arena.Allocate<int>(rows);
            for (int l = 0; l < lanes; l++)
                for (int c = 0; c < cols; c++) xs[l][c] = x[l * (cols + 1) + c];
            kernels.MatMat(m, xs, acc, lanes);
            for (int l = 0; l < lanes; l++)
            {
                scalar.MatVec(reference, xs[l], expected);
                Assert.True(new ReadOnlySpan<int>(expected, rows).SequenceEqual(new ReadOnlySpan<int>(acc[l], rows)), $"{choice} {rows}x{cols}, lane {l} of {lanes}");
            }
        }, iter: 50);
    }

    public static IEnumerable<object[]> UnitCountsOnVectorWidths() => Kernels.Vector(new[] { 1, 7, 8, 9, 17, 33, 64, 70 }.Select(n => new object[] { n }));

    /// <summary>
    /// The batched LSTM update (two passes in the vector families: the four gates' pre-activations
    /// to scratch, then the lookups and the state) gives the scalar reference's cell and hidden
    /// bits on every width: unit counts around the vector widths (tails), coupled (CIFG) and not,
    /// cell formats across the range, accumulators up to the int32 extremes and per-row factors,
    /// clipped and unclipped pre-activations; the scratch holds the previous call's values.
    /// </summary>
    [KernelTheory]
    [MemberData(nameof(UnitCountsOnVectorWidths))]
    public unsafe void LstmGatesUpdate_gives_the_scalar_reference_bits(KernelChoice choice, int n)
    {
        var kernels = KernelSupport.Create(choice, fuses: false);
        var scalar = KernelSupport.Create(KernelChoice.Scalar);
        var acc = Gen.OneOf(Gen.Int, Gen.Int[-(1 << 20), 1 << 20]);
        var factor = Gen.Double[1e-6, 0.2];
        Gen.Select(acc.Array[8 * n], factor.Array[8 * n], Gen.Int[-40000, 40000].Array[5 * n], Gen.Int[QFormats.MinCellFracBits, QFormats.MaxCellFracBits], Gen.Bool, Gen.Int[0, 2])
            .Sample((sums, factors, values, cellFracBits, coupled, clip) =>
        {
            var arena = new PinnedArena();
            int rows = 4 * n;
            RequantRows Rows(int from)
            {
                var source = new QuantizedMatrix(rows, 1, new sbyte[rows], new float[rows], [.. factors.Skip(from).Take(rows).Select(Requantizer.FromFactor)]);
                return scalar.Prepare(source, arena).Requant;
            }
            var (rqX, rqH) = (Rows(0), Rows(rows));
            int* accX = arena.Copy<int>(sums.AsSpan(0, rows)), accH = arena.Copy<int>(sums.AsSpan(rows, rows));
            int* bias = arena.Copy<int>(values.AsSpan(0, rows));
            int* sigmoid = arena.Copy<int>(ActivationTable.Sigmoid.Packed), tanh = arena.Copy<int>(ActivationTable.Tanh.Packed);
            var cells = values.AsSpan(rows, n).ToArray().Select(QFormats.SaturateInt16).ToArray();
            int* cell = arena.Copy<int>(cells), expectedCell = arena.Copy<int>(cells);
            short* h = arena.Allocate<short>(n), expectedH = arena.Allocate<short>(n);
            int* pre = arena.Allocate<int>(rows);
            new Span<int>(pre, rows).Fill(12345); // stale scratch
            int limit = clip switch { 0 => 0, 1 => 4096, _ => 20000 };
            int lo = limit > 0 ? -limit : short.MinValue, hi = limit > 0 ? limit : short.MaxValue;
            kernels.LstmGatesUpdate(accX, rqX, accH, rqH, bias, lo, hi, sigmoid, tanh, cell, coupled, cellFracBits, h, n, n, pre);
            scalar.LstmGatesUpdate(accX, rqX, accH, rqH, bias, lo, hi, sigmoid, tanh, expectedCell, coupled, cellFracBits, expectedH, n, n, null);
            string what = $"{choice} n={n} cellFracBits={cellFracBits} coupled={coupled} clip={limit}";
            Assert.True(new ReadOnlySpan<int>(expectedCell, n).SequenceEqual(new ReadOnlySpan<int>(cell, n)), what + ": cell");
            Assert.True(new ReadOnlySpan<short>(expectedH, n).SequenceEqual(new ReadOnlySpan<short>(h, n)), what + ": hidden");
        }, iter: 60);
    }

    /// <summary>A windowed model's windows re-run as one batch give what a session reset and stepped through each window gives (attention heads too, lane by lane).</summary>
    [KernelTheory]
    [MemberData(nameof(VariantsOnEveryKernelChoice))]
    public void Windows_re_run_in_a_batch_classify_as_a_session_per_window(KernelChoice choice, string variant)
    {
        foreach (var model in new[] { TestModels.Quantized(variant, hidden: 20, layers: 2, seed: 11), AttentionModels.Quantized(variant switch { "depth-gated" => "lstm", "cifg-peephole" => "peephole", _ => variant }, hidden: 12, steps: 24) })
        {
            const int length = 24, count = 6;
            var windows = RandomModels.RandomSequences(9, count, length, 17);
            var batched = new BatchedIntegerSession(model.Integer!, 8, choice);
            int[] lanes = [5, 0, 7, 2, 3, 6];
            var flat = windows.SelectMany(w => w.SelectMany(x => x)).ToArray();
            var reference = model.CreateIntegerSession(KernelChoice.Scalar);
            for (int round = 0; round < 2; round++) // the second round re-runs over the first's state: the reset must clear it
            {
                batched.RunWindows(lanes, flat, length);
                for (int j = 0; j < count; j++)
                {
                    reference.Reset();
                    foreach (var x in windows[j]) reference.Step(x);
                    Assert.True(reference.Logits.SequenceEqual(batched.Logits(lanes[j])), $"{variant} {choice}: window {j} on lane {lanes[j]}");
                }
            }
        }
    }

    [KernelTheory]
    [MemberData(nameof(VariantsOnEveryKernelChoice))]
    public void Step_reset_and_windows_allocate_nothing_after_warm_up(KernelChoice choice, string variant)
    {
        var model = TestModels.Quantized(variant, hidden: 24, layers: 2);
        var pool = TestModels.Inputs(9, 4)[0];
        const int capacity = 16, length = 8;
        var batched = new BatchedIntegerSession(model.Integer!, capacity, choice);
        int[] every = [.. Enumerable.Range(0, capacity)], odd = [.. every.Where(l => l % 2 == 1).Reverse()];
        var samples = pool.Take(capacity).SelectMany(x => x).ToArray();
        var quantized = new short[capacity * 9];
        var windows = pool.Take(odd.Length * length).SelectMany(x => x).ToArray();
        var probabilities = new float[6];
        long allocated = Allocations.OfSteadyState(Pass);
        Assert.True(allocated == 0, $"{variant} {choice}: {allocated} bytes allocated");

        void Pass()
        {
            for (int t = 0; t < 50; t++)
            {
                batched.Step(every, samples);
                batched.Step(odd, samples.AsSpan(0, odd.Length * 9));
                batched.StepQuantized(odd, quantized.AsSpan(0, odd.Length * 9));
                batched.GetProbabilities(t % capacity, probabilities);
                batched.Reset(t % capacity);
            }
            batched.RunWindows(odd, windows, length);
        }
    }

    [Fact]
    public void A_lane_twice_in_one_step_or_out_of_range_is_refused()
    {
        var model = TestModels.Quantized("lstm", hidden: 8);
        var batched = new BatchedIntegerSession(model.Integer!, 4);
        var samples = new float[2 * 9];
        Assert.Throws<ArgumentException>(() => batched.Step([1, 1], samples));
        Assert.Throws<ArgumentOutOfRangeException>(() => batched.Step([0, 4], samples));
        Assert.Throws<ArgumentException>(() => batched.Step([0], samples));
        Assert.Throws<ArgumentException>(() => batched.RunWindows([2, 2], new float[2 * 3 * 9], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => batched.Hidden(0, 1));
        batched.Step([3, 1], samples); // still usable after the refusals
    }

    private static void AssertLaneEqual(IntegerSession expected, BatchedIntegerSession actual, int lane, string what)
    {
        Assert.True(expected.Logits.SequenceEqual(actual.Logits(lane)), $"{what}: lane {lane} logits differ");
        for (int layer = 0; layer < expected.LayerCount; layer++)
        {
            Assert.True(expected.Hidden(layer).SequenceEqual(actual.Hidden(lane, layer)), $"{what}: lane {lane} layer {layer} hidden state differs");
            Assert.True(expected.Cell(layer).SequenceEqual(actual.Cell(lane, layer)), $"{what}: lane {lane} layer {layer} cell state differs");
        }
    }
}
