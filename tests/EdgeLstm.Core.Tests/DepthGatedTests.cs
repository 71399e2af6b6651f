using EdgeLstm.Core.Integer;
using EdgeLstm.Core.Model;
using EdgeLstm.Core.Numerics;
using EdgeLstm.Core.Quantization;

namespace EdgeLstm.Core.Tests;

/// <summary>Depth-gated LSTM (Yao et al. 2015): the gate from the lower layer's cell, its limits, and its validation.</summary>
public class DepthGatedTests
{
    private static EdgeModel Model(int seed = 5) =>
        RandomModels.Create(new NetworkShape("dg", 6, [("lstm", 12), ("depth-gated", 12)], 3), seed);

    [Fact]
    public void Float_engine_follows_the_papers_equations()
    {
        var model = Model();
        var lower = model.Float!.Layers[0];
        var upper = model.Float.Layers[1];
        var session = model.CreateFloatSession();
        int hs = 12;
        var h1 = new double[hs]; var c1 = new double[hs];
        var h2 = new double[hs]; var c2 = new double[hs];
        static double Sig(double v) => 1 / (1 + Math.Exp(-v));
        static (double[] H, double[] C) Lstm(RecurrentLayer l, double[] x, double[] h, double[] c, Func<int, double>? depth)
        {
            int n = l.HiddenSize;
            var hn = new double[n]; var cn = new double[n];
            double Pre(int gate, int k)
            {
                int r = gate * n + k;
                double z = l.Wb[r] + l.Rb[r];
                for (int j = 0; j < x.Length; j++) z += l.W[r * x.Length + j] * x[j];
                for (int j = 0; j < n; j++) z += l.R[r * n + j] * h[j];
                return z;
            }
            for (int k = 0; k < n; k++)
            {
                double i = Sig(Pre(0, k)), o = Sig(Pre(1, k)), f = Sig(Pre(2, k)), g = Math.Tanh(Pre(3, k));
                cn[k] = f * c[k] + i * g + (depth?.Invoke(k) ?? 0);
                hn[k] = o * Math.Tanh(cn[k]);
            }
            return (hn, cn);
        }
        double worst = 0;
        foreach (var sample in RandomModels.RandomSequences(6, 1, 400, 9)[0])
        {
            session.Step(sample);
            double[] x = session.NormalizedInput.ToArray().Select(v => (double)v).ToArray();
            (h1, c1) = Lstm(lower, x, h1, c1, null);
            var d = upper.Depth!;
            double[] xUpper = h1, cPrev = c2, cLower = c1;
            double DepthTerm(int k)
            {
                double z = d.Bias[k] + d.CellWeights[k] * cPrev[k] + d.LowerCellWeights[k] * cLower[k];
                for (int j = 0; j < hs; j++) z += d.W[k * hs + j] * xUpper[j];
                return Sig(z) * cLower[k];
            }
            (h2, c2) = Lstm(upper, h1, h2, c2, DepthTerm);
            for (int k = 0; k < hs; k++) worst = Math.Max(worst, Math.Abs(session.Hidden(1)[k] - h2[k]));
        }
        Assert.True(worst < 1e-5, $"float engine vs the paper's equations: {worst:E2}");
    }

    [Fact]
    public void A_closed_depth_gate_is_a_plain_lstm_stack()
    {
        var gated = Model();
        foreach (ref float b in gated.Float!.Layers[1].Depth!.Bias.AsSpan()) b = -200; // d = σ(-200) = 0 in float32
        var plainUpper = new RecurrentLayer(CellKind.Lstm, 12, 12);
        var g = gated.Float.Layers[1];
        g.W.CopyTo(plainUpper.W, 0); g.R.CopyTo(plainUpper.R, 0); g.Wb.CopyTo(plainUpper.Wb, 0); g.Rb.CopyTo(plainUpper.Rb, 0);
        var plain = new EdgeModel(gated.Metadata, new FloatNetwork([gated.Float.Layers[0], plainUpper], gated.Float.Head), null);
        var a = gated.CreateFloatSession();
        var b2 = plain.CreateFloatSession();
        foreach (var x in RandomModels.RandomSequences(6, 1, 200, 4)[0])
        {
            a.Step(x);
            b2.Step(x);
            Assert.Equal(b2.Logits.ToArray(), a.Logits.ToArray());
        }
    }

    [Fact]
    public void Depth_gated_layers_need_an_equally_wide_cell_below()
    {
        var head = new DenseLayer(8, 2);
        var first = Assert.Throws<ModelException>(() => new FloatNetwork([CellVariant.CreateLayer("depth-gated", 4, 8)], head));
        Assert.Contains("layer below", first.Message);
        var belowGru = Assert.Throws<ModelException>(() => new FloatNetwork([CellVariant.CreateLayer("gru", 4, 8), CellVariant.CreateLayer("depth-gated", 8, 8)], head));
        Assert.Contains("must be an LSTM", belowGru.Message);
        var narrow = Assert.Throws<ModelException>(() => new FloatNetwork([CellVariant.CreateLayer("lstm", 4, 6), CellVariant.CreateLayer("depth-gated", 6, 8)], head));
        Assert.Contains("sizes must match", narrow.Message);
        var noGate = new RecurrentLayer(CellKind.DepthGated, 8, 8);
        Assert.Contains("needs its depth gate", Assert.Throws<ModelException>(() => new FloatNetwork([CellVariant.CreateLayer("lstm", 4, 8), noGate], head)).Message);
    }

    /// <summary>
    /// The depth-gated cell sums the lower cells over the steps, so its calibrated range is wide;
    /// its format is held at least as fine as the lower cell's (the grid d ⊙ c_lower arrives on),
    /// but never narrower than ±8, the range tanh reads the cell in.
    /// </summary>
    [Theory]
    [InlineData(6, 9, 9)]   // HAPT: calibrated ±512, lower ±64 -> ±64
    [InlineData(10, 9, 10)] // already finer than the lower cell: calibrated
    [InlineData(6, 14, 12)] // a narrow lower cell: ±8 at least
    [InlineData(13, 14, 13)]
    public void A_depth_gated_cell_is_no_coarser_than_the_cell_below(int calibrated, int lower, int expected)
    {
        Assert.Equal(expected, Quantizer.DepthGatedCellFracBits(calibrated, lower));
    }

    [Fact]
    public void The_quantizer_applies_the_depth_gated_cell_format()
    {
        var model = Model();
        var stats = new CalibrationStatistics(2) { MaxAbsInput = 3f };
        stats.MaxAbsCell[0] = 40f; // ±64 with headroom: 9 fraction bits
        stats.MaxAbsCell[1] = 300f; // ±512: 6
        var q = Quantizer.Quantize(model, stats);
        Assert.Equal(9, q.Layers[0].CellFracBits);
        Assert.Equal(9, q.Layers[1].CellFracBits);
        Assert.Equal(9, q.Layers[1].LowerCellFracBits);
        // The own-cell product is requantized for the format the cell is kept in.
        var own = q.Layers[1].DepthRequant![0];
        Assert.Equal(q.Layers[1].DepthPeepholeScales![0] * Math.Pow(2, -9) * 4096, own.Factor, 1e-4 * own.Factor);
    }

    /// <summary>
    /// The integer cell update rounds once: against the exact f·c + i·g + d·c_lower it is off by at
    /// most half a step of the cell's grid plus the three guard-bit roundings, for every pair of
    /// formats (the plain LSTM's two roundings would allow a whole step, three a step and a half).
    /// </summary>
    [Fact]
    public void The_depth_gated_cell_update_rounds_once()
    {
        var random = new Random(11);
        for (int n = QFormats.MinCellFracBits; n <= QFormats.MaxCellFracBits; n++)
            for (int lowerN = QFormats.MinCellFracBits; lowerN <= QFormats.MaxCellFracBits; lowerN++)
            {
                var format = new DepthCellFormat(n, lowerN);
                double bound = 0.5 + 3 * 0.5 * Math.Pow(2, -format.Extra);
                for (int t = 0; t < 2000; t++)
                {
                    int i = random.Next(0, 32768), f = random.Next(0, 32768), d = random.Next(0, 32768), g = random.Next(-32768, 32768);
                    int c = random.Next(-32768, 32768), lower = random.Next(-32768, 32768);
                    if (t % 3 == 0) (c, lower) = (c >> 8, lower >> 8); // small cells too, where the grid matters most
                    double exact = (f / 32768.0 * c) + (i / 32768.0 * g / 32768.0) * Math.Pow(2, n) + d / 32768.0 * lower * Math.Pow(2, n - lowerN);
                    int actual = Elementwise.DepthGatedCell(i, f, g, c, d, lower, format);
                    if (exact >= short.MaxValue || exact <= short.MinValue) Assert.Equal(exact > 0 ? short.MaxValue : short.MinValue, actual);
                    else Assert.True(Math.Abs(actual - exact) <= bound, $"n={n} lower={lowerN}: {actual} against {exact}");
                }
            }
    }
}
