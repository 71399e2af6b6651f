using System.Globalization;
using EdgeLstm.Core;
using EdgeLstm.Core.Model;
using EdgeLstm.Core.Quantization;
using EdgeLstm.Onnx.Import;
using Xunit.Abstractions;

namespace EdgeLstm.Onnx.Tests;

/// <summary>
/// Whole models in the exporters' patterns (built in <see cref="ExporterPatterns"/>), imported and
/// run over a real recording (HAPT experiment 3, user 2: 6 IMU channels at 50 Hz, 18026 samples):
/// the float engine must classify every step (streaming heads) or every window (last-step heads)
/// exactly as ONNX Runtime does on the ONNX model, and the integer engine, calibrated on the first
/// half of the recording, must agree with ONNX Runtime on at least 99% of them.
/// </summary>
public class ExporterPatternImportTests(ITestOutputHelper output)
{
    private const int Window = 128, Hop = 32, Classes = 6;

    private static readonly Lazy<float[][]> LazyRecording = new(ReadRecording);
    private static float[][] Recording => LazyRecording.Value;

    /// <summary>Per-channel mean and standard deviation of the recording: the normalization a trainer would fit.</summary>
    private static (float[] Mean, float[] Std) Normalization()
    {
        var mean = new float[ExporterPatterns.Channels];
        var std = new float[ExporterPatterns.Channels];
        for (int j = 0; j < mean.Length; j++)
        {
            double m = Recording.Average(s => (double)s[j]);
            mean[j] = (float)m;
            std[j] = (float)Math.Sqrt(Recording.Average(s => (s[j] - m) * (s[j] - m)));
        }
        return (mean, std);
    }

    [Fact]
    public void Torch_two_stacked_lstms_with_linear_head_on_the_last_step()
    {
        var random = new Random(11);
        var l0 = Layer("lstm", ExporterPatterns.Channels, 32, random);
        var l1 = Layer("lstm", 32, 32, random);
        var head = Head(32, random);
        var (mean, std) = Normalization();
        var imported = OnnxModelImporter.Import(ExporterPatterns.TorchStackedLstmLastStep(l0, l1, head, mean, std));
        Assert.True(imported.HeadOnLastStep);
        Assert.Equal(0, imported.StaticSequenceLength);
        for (int j = 0; j < mean.Length; j++)
        {
            Assert.Equal(mean[j], imported.Mean[j], 5);
            Assert.Equal(std[j], imported.Std[j], 5);
        }
        AssertSameNetwork([l0, l1], head, imported.Network);
        // The graph normalizes: ONNX Runtime and our model both take raw samples.
        CompareWindows(ExporterPatterns.TorchStackedLstmLastStep(l0, l1, head, mean, std), imported, imported.Mean, imported.Std, normalizeForOrt: false);
    }

    [Fact]
    public void Torch_two_stacked_lstms_with_linear_head_on_every_step()
    {
        var random = new Random(12);
        var l0 = Layer("lstm", ExporterPatterns.Channels, 32, random);
        var l1 = Layer("lstm", 32, 32, random);
        var head = Head(32, random);
        var bytes = ExporterPatterns.TorchStackedLstmEveryStep(l0, l1, head);
        var imported = OnnxModelImporter.Import(bytes);
        Assert.False(imported.HeadOnLastStep);
        AssertSameNetwork([l0, l1], head, imported.Network);
        var (mean, std) = Normalization();
        CompareSteps(bytes, imported, mean, std, timeMajor: true);
    }

    [Fact]
    public void Keras_gru_with_dense_softmax_head_on_the_last_step()
    {
        var random = new Random(13);
        var gru = Layer("gru", ExporterPatterns.Channels, 48, random);
        var head = Head(48, random);
        var bytes = ExporterPatterns.KerasGruLastStep(gru, head);
        var imported = OnnxModelImporter.Import(bytes);
        Assert.True(imported.HeadOnLastStep);
        Assert.True(imported.EndsInSoftmax);
        Assert.Equal(Window, imported.StaticSequenceLength);
        Assert.True(imported.Network.Layers[0].LinearBeforeReset);
        AssertSameNetwork([gru], head, imported.Network);
        var (mean, std) = Normalization();
        CompareWindows(bytes, imported, mean, std, normalizeForOrt: true);
    }

    [Fact]
    public void Torch_gru_with_linear_head_on_a_slice_of_the_last_step()
    {
        var random = new Random(14);
        var gru = Layer("gru", ExporterPatterns.Channels, 40, random);
        var head = Head(40, random);
        var bytes = ExporterPatterns.TorchGruSliceLastStep(gru, head);
        var imported = OnnxModelImporter.Import(bytes);
        Assert.True(imported.HeadOnLastStep);
        AssertSameNetwork([gru], head, imported.Network);
        var (mean, std) = Normalization();
        CompareWindows(bytes, imported, mean, std, normalizeForOrt: true);
    }

    [Fact]
    public void Torch_two_stacked_grus_with_linear_head_on_the_final_state()
    {
        var random = new Random(16);
        var l0 = Layer("gru", ExporterPatterns.Channels, 24, random);
        var l1 = Layer("gru", 24, 24, random);
        var head = Head(24, random);
        var bytes = ExporterPatterns.TorchStackedGruFinalState(l0, l1, head);
        var imported = OnnxModelImporter.Import(bytes);
        Assert.True(imported.HeadOnLastStep);
        AssertSameNetwork([l0, l1], head, imported.Network);
        var (mean, std) = Normalization();
        CompareWindows(bytes, imported, mean, std, normalizeForOrt: true);
    }

    [Fact]
    public void Keras_gru_with_dense_head_on_every_step()
    {
        var random = new Random(15);
        var gru = Layer("gru", ExporterPatterns.Channels, 32, random);
        var head = Head(32, random);
        var bytes = ExporterPatterns.KerasGruEveryStep(gru, head);
        var imported = OnnxModelImporter.Import(bytes);
        Assert.False(imported.HeadOnLastStep);
        AssertSameNetwork([gru], head, imported.Network);
        var (mean, std) = Normalization();
        CompareSteps(bytes, imported, mean, std, timeMajor: false);
    }

    /// <summary>Windowed: every window (reset, run, classify at its end) against ONNX Runtime on the batch of all windows.</summary>
    private void CompareWindows(byte[] onnx, ImportedNetwork imported, float[] mean, float[] std, bool normalizeForOrt)
    {
        var windows = new List<float[][]>();
        for (int start = 0; start + Window <= Recording.Length; start += Hop) windows.Add(Recording[start..(start + Window)]);
        var batch = new float[windows.Count * Window * ExporterPatterns.Channels];
        for (int w = 0; w < windows.Count; w++)
            for (int t = 0; t < Window; t++)
                Input(windows[w][t], mean, std, normalizeForOrt).CopyTo(batch, (w * Window + t) * ExporterPatterns.Channels);
        var ort = OrtRuns.Run(onnx, [OrtRuns.FloatInput(imported.InputName, batch, windows.Count, Window, ExporterPatterns.Channels)])[imported.OutputName];
        Assert.Equal([windows.Count, Classes], ort.Dims);

        var model = Quantized(imported, mean, std, windows.Take(windows.Count / 2));
        var f = model.CreateFloatSession();
        var i = model.CreateIntegerSession();
        int floatSame = 0, intSame = 0;
        for (int w = 0; w < windows.Count; w++)
        {
            f.Reset(); i.Reset();
            foreach (var sample in windows[w]) { f.Step(sample); i.Step(sample); }
            int expected = ArgMax.Of(ort.Data.AsSpan(w * Classes, Classes));
            floatSame += f.Predicted == expected ? 1 : 0;
            intSame += i.Predicted == expected ? 1 : 0;
        }
        Report(windows.Count, floatSame, intSame, "windows");
    }

    /// <summary>Streaming: every step of the whole recording against ONNX Runtime on the whole sequence.</summary>
    private void CompareSteps(byte[] onnx, ImportedNetwork imported, float[] mean, float[] std, bool timeMajor)
    {
        int n = Recording.Length;
        var sequence = new float[n * ExporterPatterns.Channels];
        for (int t = 0; t < n; t++) Input(Recording[t], mean, std, normalize: true).CopyTo(sequence, t * ExporterPatterns.Channels);
        int[] dims = timeMajor ? [n, 1, ExporterPatterns.Channels] : [1, n, ExporterPatterns.Channels];
        var ort = OrtRuns.Run(onnx, [OrtRuns.FloatInput(imported.InputName, sequence, dims)])[imported.OutputName];
        Assert.Equal(n * Classes, ort.Data.Length);

        var model = Quantized(imported, mean, std, [Recording[..(n / 2)]]);
        var f = model.CreateFloatSession();
        var i = model.CreateIntegerSession();
        int floatSame = 0, intSame = 0;
        for (int t = 0; t < n; t++)
        {
            f.Step(Recording[t]); i.Step(Recording[t]);
            int expected = ArgMax.Of(ort.Data.AsSpan(t * Classes, Classes));
            floatSame += f.Predicted == expected ? 1 : 0;
            intSame += i.Predicted == expected ? 1 : 0;
        }
        Report(n, floatSame, intSame, "steps");
    }

    private void Report(int count, int floatSame, int intSame, string what)
    {
        output.WriteLine($"{count} {what}: float engine agrees with ONNX Runtime on {floatSame}, integer engine on {intSame} ({100.0 * intSame / count:F2}%)");
        Assert.Equal(count, floatSame);
        Assert.True(intSame >= 0.99 * count, $"integer engine agrees on {intSame} of {count} {what}");
    }

    /// <summary>The imported network with the recording's normalization (the graph's own, or the trainer's given as metadata) and its integer form.</summary>
    private static EdgeModel Quantized(ImportedNetwork imported, float[] mean, float[] std, IEnumerable<float[][]> calibration)
    {
        var metadata = ModelMetadata.Default(imported.Network.InputSize, imported.Network.OutputSize);
        metadata.Mean = mean;
        metadata.Std = std;
        return QuantizeModel.WithIntegerForm(new EdgeModel(metadata, imported.Network, null), calibration);
    }

    private static float[] Input(float[] raw, float[] mean, float[] std, bool normalize) =>
        normalize ? raw.Select((v, j) => (v - mean[j]) / std[j]).ToArray() : raw;

    private static void AssertSameNetwork(RecurrentLayer[] layers, DenseLayer head, FloatNetwork net)
    {
        Assert.Equal(layers.Length, net.Layers.Count);
        for (int k = 0; k < layers.Length; k++)
        {
            var (a, b) = (layers[k], net.Layers[k]);
            Assert.Equal(a.VariantName, b.VariantName);
            Assert.Equal(a.W, b.W); Assert.Equal(a.R, b.R); Assert.Equal(a.Wb, b.Wb); Assert.Equal(a.Rb, b.Rb);
        }
        Assert.Equal(head.W, net.Head.W);
        Assert.Equal(head.B, net.Head.B);
    }

    private static RecurrentLayer Layer(string variant, int inputs, int hidden, Random random)
    {
        var l = CellVariant.CreateLayer(variant, inputs, hidden);
        float k = 1f / MathF.Sqrt(hidden);
        foreach (var m in new[] { l.W, l.R, l.Wb, l.Rb })
            for (int i = 0; i < m.Length; i++) m[i] = (float)(random.NextDouble() * 2 - 1) * k;
        // Stronger input weights than the initialization: a trained layer reacts to its input.
        for (int i = 0; i < l.W.Length; i++) l.W[i] *= 3;
        return l;
    }

    private static DenseLayer Head(int hidden, Random random)
    {
        var d = new DenseLayer(hidden, Classes);
        float k = 2f / MathF.Sqrt(hidden);
        for (int i = 0; i < d.W.Length; i++) d.W[i] = (float)(random.NextDouble() * 2 - 1) * k;
        for (int i = 0; i < d.B.Length; i++) d.B[i] = (float)(random.NextDouble() * 2 - 1) * 0.1f;
        return d;
    }

    private static float[][] ReadRecording()
    {
        string path = Path.Combine(ConformanceCaseTests.RepoRoot, "firmware-samples", "recordings", "hapt-exp03-user02.csv");
        var lines = File.ReadAllLines(path);
        Assert.StartsWith("time,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z", lines[0]);
        return lines.Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Skip(1).Take(ExporterPatterns.Channels).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
    }
}
