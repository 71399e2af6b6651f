using EdgeLstm.Core.Integer;
using EdgeLstm.Core.Numerics;

namespace EdgeLstm.Core.Tests;

public class NumericsTests
{
    private static readonly double Limit = Math.Pow(2, -12);

    [Fact]
    public void Sigmoid_is_within_2_pow_minus_12_over_the_whole_int16_domain()
    {
        double worst = 0;
        for (int x = short.MinValue; x <= short.MaxValue; x++)
        {
            double exact = 1.0 / (1.0 + Math.Exp(-x / 4096.0));
            worst = Math.Max(worst, Math.Abs(ActivationTable.Sigmoid.Evaluate(x) / 32768.0 - exact));
        }
        Assert.True(worst <= Limit, $"max error {worst:E3}");
    }

    [Fact]
    public void Tanh_is_within_2_pow_minus_12_over_the_whole_int16_domain()
    {
        double worst = 0;
        for (int x = short.MinValue; x <= short.MaxValue; x++)
            worst = Math.Max(worst, Math.Abs(ActivationTable.Tanh.Evaluate(x) / 32768.0 - Math.Tanh(x / 4096.0)));
        Assert.True(worst <= Limit, $"max error {worst:E3}");
    }

    [KernelTheory]
    [MemberData(nameof(Kernels.Vector), MemberType = typeof(Kernels))]
    public unsafe void Vector_activation_equals_scalar_over_the_whole_domain(KernelChoice choice)
    {
        var input = new int[65536];
        for (int i = 0; i < input.Length; i++) input[i] = i - 32768;
        foreach (var table in new[] { ActivationTable.Sigmoid, ActivationTable.Tanh })
        {
            var reference = new int[input.Length];
            fixed (int* t = table.Packed, x = input, y = reference)
                new ScalarKernels().Activate(t, x, y, input.Length);
            var kernels = KernelSupport.Create(choice);
            var output = new int[input.Length + 5];
            fixed (int* t = table.Packed, x = input, y = output)
                kernels.Activate(t, x, y, input.Length - 5); // leave a tail for the scalar path
            Assert.Equal(reference.AsSpan(0, input.Length - 5).ToArray(), output.AsSpan(0, input.Length - 5).ToArray());
        }
    }

    /// <summary>
    /// MUT3's tanh of the hidden state (HiddenTanh) over every int16 value: the vector paths equal the
    /// scalar reference, which equals the table at (h + 4) >> 3 and is within 2^-12 + 2^-13 of tanh(h / 2^15)
    /// (the table's bound plus the Q0.15 to Q3.12 rounding, whose slope factor is at most 1).
    /// </summary>
    [KernelTheory]
    [MemberData(nameof(Kernels.All), MemberType = typeof(Kernels))]
    public unsafe void Hidden_tanh_equals_the_scalar_reference_over_the_whole_domain(KernelChoice choice)
    {
        var input = new short[65536 + 2];
        for (int i = 0; i < 65536; i++) input[i] = (short)(i - 32768);
        var reference = new short[input.Length];
        var output = new short[input.Length];
        fixed (int* t = ActivationTable.Tanh.Packed)
        fixed (short* x = input, y = reference, z = output)
        {
            new ScalarKernels().HiddenTanh(x, t, y, 65536);
            KernelSupport.Create(choice).HiddenTanh(x, t, z, 65536 - 3); // leave a tail for the scalar path
        }
        Assert.Equal(reference.AsSpan(0, 65536 - 3).ToArray(), output.AsSpan(0, 65536 - 3).ToArray());
        double worst = 0;
        for (int i = 0; i < 65536; i++)
        {
            Assert.Equal(ActivationTable.Tanh.Evaluate((input[i] + 4) >> 3), reference[i]);
            worst = Math.Max(worst, Math.Abs(reference[i] / 32768.0 - Math.Tanh(input[i] / 32768.0)));
        }
        Assert.True(worst <= 1.0 / 4096 + 1.0 / 8192, $"max error {worst:E3}");
    }

    /// <summary>
    /// Storing int32 results as int16 saturates on every path (QFormats.NarrowInt16 in the scalar
    /// kernels, packssdw / sqxtn / vpmovsdw in the vector ones), never truncates: the paths agree by
    /// construction, not only because the engine's values happen to be in range. 37 values: whole
    /// vectors and a scalar tail on every width.
    /// </summary>
    [KernelTheory]
    [MemberData(nameof(Kernels.All), MemberType = typeof(Kernels))]
    public unsafe void Narrowing_stores_saturate_outside_the_int16_range_on_every_path(KernelChoice choice)
    {
        int[] edges = [int.MinValue, -(1 << 20), -65536, -32769, -32768, -32767, -1, 0, 1, 32766, 32767, 32768, 65535, 65536, 1 << 20, int.MaxValue];
        var values = Enumerable.Range(0, 37).Select(k => edges[(k * 7) % edges.Length]).ToArray();
        var stored = new short[values.Length + 2];
        var kernels = KernelSupport.Create(choice);
        fixed (int* v = values)
        fixed (short* h = stored)
            kernels.StoreHidden(v, h, values.Length);
        Assert.Equal(values.Select(v => (short)Math.Clamp(v, short.MinValue, short.MaxValue)).ToArray(), stored[..values.Length]);
        Assert.Equal(values.Select(QFormats.NarrowInt16).ToArray(), stored[..values.Length]);
    }

    [Fact]
    public void Requantizer_32_bit_evaluation_equals_the_64_bit_rule()
    {
        var random = new Random(1);
        var accs = new List<int> { 0, 1, -1, int.MaxValue, int.MinValue, int.MinValue + 1, 65535, 65536, -65536, -65537, 32767, -32768 };
        for (int i = 0; i < 2000; i++) accs.Add(random.Next(int.MinValue, int.MaxValue));
        var multipliers = new List<int> { 0, 1, 1 << 14, (1 << 15) - 1 };
        for (int i = 0; i < 20; i++) multipliers.Add(random.Next(0, 1 << 15));
        for (int shift = Requantizer.MinShift; shift <= Requantizer.MaxShift; shift++)
            foreach (int m in multipliers)
            {
                var r = new Requantizer(m, shift);
                foreach (int acc in accs) Assert.Equal(r.Apply(acc), r.Apply32(acc));
            }
    }

    [Fact]
    public void Requantizer_rounds_half_up_and_is_exact_at_the_extremes()
    {
        var half = new Requantizer(1 << 14, 16); // factor 0.25
        Assert.Equal(1, half.Apply(2));   // 0.5 -> 1
        Assert.Equal(0, half.Apply(-2));  // -0.5 -> 0 (toward +infinity)
        Assert.Equal(2, half.Apply(6)); // 1.5 -> 2
        Assert.Equal(-536870912, half.Apply(int.MinValue));
        Assert.Equal(536870912, half.Apply(int.MaxValue)); // 536870911.75 -> 536870912
        var tiny = new Requantizer((1 << 15) - 1, Requantizer.MaxShift);
        Assert.Equal(1, tiny.Apply(int.MaxValue)); // 0.99997 -> 1
        Assert.Equal(-1, tiny.Apply(int.MinValue)); // -0.99997 -> -1
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(1e-3)]
    [InlineData(3.7e-6)]
    [InlineData(1e-9)]
    public void Requantizer_from_factor_keeps_15_significant_bits(double factor)
    {
        var r = Requantizer.FromFactor(factor);
        Assert.InRange(r.Multiplier, 0, (1 << 15) - 1);
        Assert.InRange(r.Shift, Requantizer.MinShift, Requantizer.MaxShift);
        double relative = Math.Abs(r.Factor - factor) / factor;
        double bound = r.Multiplier >= 1 << 14 ? Math.Pow(2, -15) : 0.5 / r.Multiplier;
        Assert.True(relative <= bound, $"relative error {relative:E3}");
    }

    [Fact]
    public void Requantizer_rejects_factors_out_of_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Requantizer.FromFactor(0.25));
        Assert.Throws<ArgumentOutOfRangeException>(() => Requantizer.FromFactor(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Requantizer.FromFactor(double.NaN));
    }

    [Fact]
    public void Saturation_and_rounding_helpers_behave_at_the_limits()
    {
        Assert.Equal(short.MaxValue, QFormats.SaturateInt16(int.MaxValue));
        Assert.Equal(short.MinValue, QFormats.SaturateInt16(int.MinValue));
        Assert.Equal(1, QFormats.RoundingShiftRight(1, 1));   // 0.5 -> 1
        Assert.Equal(0, QFormats.RoundingShiftRight(-1, 1));  // -0.5 -> 0
        Assert.Equal(1 << 30, QFormats.RoundingShiftRight(int.MaxValue, 1));
        Assert.Equal(32767, Elementwise.MulQ15(32767, 32768));
        Assert.Equal(-32768, Elementwise.MulQ15(-32768, 32768));
    }
}
