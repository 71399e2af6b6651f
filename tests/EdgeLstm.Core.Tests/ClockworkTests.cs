using EdgeLstm.Core.Format;
using EdgeLstm.Core.Integer;
using EdgeLstm.Core.Model;
using EdgeLstm.Core.Quantization;

namespace EdgeLstm.Core.Tests;

/// <summary>
/// Clockwork RNN (Koutník et al. 2014): modules update only on their steps, read only slower
/// modules, and cost on average what the paper's model says. The engines are checked against a
/// naive transcription of the paper's equations over a long stream.
/// </summary>
public class ClockworkTests
{
    private static EdgeModel Model(int hidden, int[] periods, int inputs = 5, int seed = 3)
    {
        var model = RandomModels.Create(new NetworkShape("cw", inputs, [("clockwork", hidden)], 4), seed);
        var layer = model.Float!.Layers[0];
        layer.Periods = periods;
        // Re-zero the fast-from-slow blocks for these periods' module size.
        int k = layer.ModuleSize;
        for (int r = 0; r < hidden; r++) Array.Clear(layer.R, r * hidden, r / k * k);
        return QuantizeModel.WithIntegerForm(new EdgeModel(model.Metadata, new FloatNetwork(model.Float.Layers, model.Float.Head), null),
            RandomModels.RandomSequences(inputs, 3, 200, seed + 1));
    }

    /// <summary>The paper's equations, literally: every unit's candidate from the full masked matrices, kept only where its module is due.</summary>
    private static float[] NaiveStep(RecurrentLayer l, float[] h, ReadOnlySpan<float> x, long t)
    {
        int hs = l.HiddenSize, k = l.ModuleSize;
        var next = (float[])h.Clone();
        for (int r = 0; r < hs; r++)
        {
            int module = r / k;
            if (t % l.Periods![module] != 0) continue;
            double z = l.Wb[r] + l.Rb[r];
            for (int j = 0; j < l.InputSize; j++) z += l.W[r * l.InputSize + j] * x[j];
            for (int c = 0; c < hs; c++) if (c / k >= module) z += l.R[r * hs + c] * h[c];
            next[r] = (float)Math.Tanh(z);
        }
        return next;
    }

    [Fact]
    public void Both_engines_update_each_module_exactly_on_its_steps_over_a_long_stream()
    {
        int[] periods = [1, 2, 4, 8, 16];
        var model = Model(hidden: 40, periods);
        var layer = model.Float!.Layers[0];
        var floatSession = model.CreateFloatSession();
        var intSession = model.CreateIntegerSession();
        var naive = new float[40];
        var previousFloat = new float[40];
        var previousInt = new short[40];
        var input = RandomModels.RandomSequences(5, 1, 3000, 11)[0];
        double worstNaive = 0;
        for (int t = 0; t < input.Length; t++)
        {
            floatSession.Step(input[t]);
            naive = NaiveStep(layer, naive, floatSession.NormalizedInput, t);
            intSession.Step(input[t]);
            var hf = floatSession.Hidden(0);
            var hi = intSession.Hidden(0);
            for (int u = 0; u < 40; u++)
            {
                bool due = t % periods[u / 8] == 0;
                worstNaive = Math.Max(worstNaive, Math.Abs(hf[u] - naive[u]));
                if (!due)
                {
                    Assert.True(hf[u] == previousFloat[u], $"float unit {u} changed at step {t}, its module's period is {periods[u / 8]}");
                    Assert.True(hi[u] == previousInt[u], $"integer unit {u} changed at step {t}, its module's period is {periods[u / 8]}");
                }
            }
            hf.CopyTo(previousFloat);
            hi.CopyTo(previousInt);
        }
        Assert.True(worstNaive < 1e-5, $"float engine vs the paper's equations: {worstNaive:E2}");

        // Reset restarts the clock: the first step after it updates every module.
        floatSession.Reset();
        intSession.Reset();
        floatSession.Step(input[5]);
        intSession.Step(input[5]);
        Assert.All(Enumerable.Range(0, 40), u => Assert.NotEqual(0f, floatSession.Hidden(0)[u]));
    }

    [Fact]
    public void Average_cost_follows_the_papers_model_and_falls_with_the_periods()
    {
        const int inputs = 9, hidden = 64;
        // Count the multiply-accumulates a step really does, over a whole cycle of the slowest module.
        double Counted(int[] periods)
        {
            int k = hidden / periods.Length, cycle = periods[^1];
            long macs = 0;
            for (int t = 0; t < cycle; t++)
                for (int m = 0; m < periods.Length; m++)
                    if (t % periods[m] == 0) macs += (long)k * (inputs + hidden - m * k);
            return (double)macs / cycle;
        }
        double previous = double.MaxValue;
        foreach (int modules in new[] { 1, 2, 4, 8 })
        {
            int[] periods = Enumerable.Range(0, modules).Select(i => 1 << i).ToArray();
            var layer = new RecurrentLayer(CellKind.Clockwork, inputs, hidden) { Periods = periods };
            Assert.Equal(Counted(periods), layer.AverageMacsPerStep, 6);
            Assert.True(layer.AverageMacsPerStep < previous);
            previous = layer.AverageMacsPerStep;
        }
        // One module of period 1 is an Elman RNN's cost.
        Assert.Equal(new RecurrentLayer(CellKind.Rnn, inputs, hidden).MacsPerStep,
            new RecurrentLayer(CellKind.Clockwork, inputs, hidden) { Periods = [1] }.MacsPerStep);
    }

    [Fact]
    public void Model_file_keeps_the_periods_and_the_integer_outputs()
    {
        var model = Model(hidden: 30, periods: [1, 3, 9]);
        var loaded = ModelFileReader.FromBytes(ModelFileWriter.ToBytes(model));
        Assert.Equal([1, 3, 9], loaded.Float!.Layers[0].Periods!);
        Assert.Equal([1, 3, 9], loaded.Integer!.Layers[0].Periods!);
        var a = model.CreateIntegerSession(KernelChoice.Scalar);
        var b = loaded.CreateIntegerSession();
        foreach (var x in RandomModels.RandomSequences(5, 1, 100, 2)[0])
        {
            a.Step(x);
            b.Step(x);
            Assert.Equal(a.Logits.ToArray(), b.Logits.ToArray());
        }
    }

    [Fact]
    public void Invalid_clockwork_layers_are_refused_with_the_reason()
    {
        var model = Model(hidden: 16, periods: [1, 2]);
        var layer = model.Float!.Layers[0];
        var head = model.Float.Head;

        layer.R[15 * 16 + 0] = 0.5f; // unit 15 (slow module) reading unit 0 (fast module)
        var e = Assert.Throws<ModelException>(() => new FloatNetwork([layer], head));
        Assert.Contains("slower module", e.Message);
        layer.R[15 * 16 + 0] = 0;

        layer.Periods = [2, 1];
        Assert.Contains("strictly increasing", Assert.Throws<ModelException>(() => new FloatNetwork([layer], head)).Message);
        layer.Periods = [1, 2, 4];
        Assert.Contains("equal modules", Assert.Throws<ModelException>(() => new FloatNetwork([layer], head)).Message);
        layer.Periods = null;
        Assert.Contains("needs module periods", Assert.Throws<ModelException>(() => new FloatNetwork([layer], head)).Message);
    }
}
