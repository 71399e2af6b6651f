namespace EdgeLstm.Core.Tests;

/// <summary>Sessions can start from a given state (ONNX initial_h / initial_c); Reset returns to zeros.</summary>
public class SessionStateTests
{
    [Fact]
    public void Float_session_takes_the_state_as_given_and_reset_clears_it()
    {
        var model = TestModels.Quantized("lstm", hidden: 5, layers: 2);
        var s = model.CreateFloatSession();
        float[] h = [0.1f, -0.2f, 0.3f, -0.4f, 0.5f], c = [1.5f, -2f, 0.25f, 0f, 3f];
        s.SetState(0, h, c);
        Assert.Equal(h, s.Hidden(0).ToArray());
        Assert.Equal(c, s.Cell(0).ToArray());
        s.Reset();
        Assert.All(s.Hidden(0).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(s.Cell(0).ToArray(), v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentException>(() => s.SetState(1, h.AsSpan(0, 3), []));
    }

    [Fact]
    public void Integer_session_rounds_half_even_and_saturates_the_state()
    {
        var model = TestModels.Quantized("lstm", hidden: 5);
        var s = model.CreateIntegerSession();
        int n = s.CellFracBits(0);
        float[] h = [0.5f, -1f, 1f, 3f / 65536, -0.25f];
        float[] c = [1.25f, -0.5f, 1e9f, -1e9f, float.NaN];
        s.SetState(0, h, c);
        Assert.Equal(new short[] { 16384, -32768, 32767, 2, -8192 }, s.Hidden(0).ToArray()); // 1.5 units rounds to 2 (even)
        Assert.Equal(new[] { (int)Math.Round(1.25 * (1 << n)), -(1 << (n - 1)), short.MaxValue, short.MinValue, 0 }, s.Cell(0).ToArray());
        s.SetState(0, h, []); // no cell: zeros
        Assert.All(s.Cell(0).ToArray(), v => Assert.Equal(0, v));
        s.Reset();
        Assert.All(s.Hidden(0).ToArray(), v => Assert.Equal(0, v));
    }
}
