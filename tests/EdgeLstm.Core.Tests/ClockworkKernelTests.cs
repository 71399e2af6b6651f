using EdgeLstm.Core.Integer;
using EdgeLstm.Core.Model;
using EdgeLstm.Core.Quantization;

namespace EdgeLstm.Core.Tests;

/// <summary>
/// The fused vector Clockwork step (one pass per block of a due module's units over the
/// module-block-interleaved layout) against the scalar reference (per module: two matrix-vector
/// products, GateActivate, StoreHidden), and the tabulated schedule of due modules against the
/// period test it replaces.
/// </summary>
public class ClockworkKernelTests
{
    private static EdgeModel Model(int inputs, int[] hidden, int[] periods, int seed, float clip)
    {
        var shape = new NetworkShape("cw", inputs, [.. hidden.Select(h => ("clockwork", h))], 5);
        var model = RandomModels.Create(shape, seed, periods);
        foreach (var l in model.Float!.Layers) l.Clip = clip;
        return QuantizeModel.WithIntegerForm(model, RandomModels.RandomSequences(inputs, 3, 200, seed + 1));
    }

    /// <summary>
    /// Module sizes around every vector width (1, 6, 8, 9, 12, 16, 40, 80: partial single blocks,
    /// exactly one block stored in place, several blocks in groups of four and singly), inputs of
    /// 1 to 17, weights held as int16 and as int8 (160 units), periods in a divisor chain, not in a
    /// chain (2, 3, 5, 7, 11: cycle 2310) and with a cycle too long to tabulate (1, 97, 101), a
    /// stacked pair (the upper layer's input is the lower's state), clipping, large inputs that
    /// saturate the activations, and a Reset in the middle of a cycle.
    /// </summary>
    public static IEnumerable<object[]> CasesOnVectorWidths() => Kernels.Vector(new object[][]
    {
        [9, new[] { 64 }, new[] { 1 }, 0f],
        [9, new[] { 64 }, new[] { 1, 2 }, 0f],
        [9, new[] { 64 }, new[] { 1, 2, 4, 8 }, 0f],
        [9, new[] { 64 }, new[] { 1, 2, 4, 8, 16, 32, 64, 128 }, 0f],
        [1, new[] { 3 }, new[] { 1, 2, 5 }, 0f],
        [4, new[] { 12 }, new[] { 1, 3 }, 1.5f],
        [17, new[] { 36 }, new[] { 1, 2, 4 }, 0f],
        [5, new[] { 40, 40 }, new[] { 2, 3, 5, 7, 11 }, 0f],
        [6, new[] { 27 }, new[] { 1, 97, 101 }, 0f],
        [9, new[] { 160 }, new[] { 1, 2 }, 2f],
    });

    [KernelTheory]
    [MemberData(nameof(CasesOnVectorWidths))]
    public void Fused_vector_step_is_bit_identical_to_the_scalar_reference(KernelChoice choice, int inputs, int[] hidden, int[] periods, float clip)
    {
        var model = Model(inputs, hidden, periods, seed: inputs * 31 + hidden[0], clip);
        var stream = RandomModels.RandomSequences(inputs, 1, 360, seed: 5, amplitude: 3f)[0];
        var reference = model.CreateIntegerSession(KernelChoice.Scalar);
        var vector = model.CreateIntegerSession(choice);
        reference.Reset();
        for (int t = 0; t < stream.Length; t++)
        {
            if (t == 250) { reference.Reset(); vector.Reset(); } // mid-cycle: the clock restarts at step 0
            reference.Step(stream[t]);
            vector.Step(stream[t]);
            for (int l = 0; l < hidden.Length; l++)
                Assert.True(reference.Hidden(l).SequenceEqual(vector.Hidden(l)),
                    $"{choice}, I={inputs} H={string.Join('+', hidden)} periods {string.Join(',', periods)}: layer {l} differs from scalar at step {t}");
            Assert.Equal(reference.Logits.ToArray(), vector.Logits.ToArray());
        }
    }

    [Theory]
    [InlineData(new[] { 1, 2, 4, 8, 16, 32, 64, 128 }, true)]
    [InlineData(new[] { 2, 3, 5, 7, 11 }, true)]
    [InlineData(new[] { 3, 6, 9 }, true)]
    [InlineData(new[] { 1, 97, 101 }, false)]
    [InlineData(new[] { 5000 }, false)]
    public void Schedule_lists_exactly_the_due_modules_fastest_first(int[] periods, bool tabulated)
    {
        var schedule = new ClockworkSchedule(periods);
        Assert.Equal(tabulated, schedule.Tabulated);
        for (int round = 0; round < 2; round++)
        {
            for (long t = 0; t < 12_000; t++)
            {
                var expected = Enumerable.Range(0, periods.Length).Where(m => ClockworkCost.Runs(t, periods[m])).ToArray();
                var due = schedule.Next().ToArray();
                Assert.True(expected.SequenceEqual(due), $"step {t}: due [{string.Join(',', due)}], expected [{string.Join(',', expected)}]");
            }
            schedule.Reset();
        }
    }
}
