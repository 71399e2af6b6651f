using EdgeLstm.Core;
using EdgeLstm.Core.Model;
using EdgeLstm.Core.Quantization;
using EdgeLstm.Training.Data;
using EdgeLstm.Training.Evaluation;

namespace EdgeLstm.Training.Tests;

/// <summary>Both protocols on a real recording with a small random-weight model, against plain re-implementations.</summary>
public class EvaluationProtocolTests
{
    private static readonly Lazy<Dataset> Six = new(() =>
        ClassView.Restrict(RecordingDirectory.Load(DataRepoFiles.TempDirectoryWithSample()), HaptClasses.Activities));

    /// <summary>A random LSTM over HAPT's channels (given in another order, to exercise the mapping), six activity labels.</summary>
    internal static EdgeModel Model(ClassificationMode mode = ClassificationMode.Streaming, int seed = 11)
    {
        var model = RandomModels.Create(new NetworkShape("t", 6, [("lstm", 12)], 6), seed);
        var meta = model.Metadata;
        meta.Labels.Clear();
        meta.Labels.AddRange(HaptClasses.Activities.Reverse());
        meta.Channels.Clear();
        meta.Channels.AddRange(new[] { "gyro_z", "gyro_y", "gyro_x", "acc_z", "acc_y", "acc_x" }.Select(n => new InputChannel(n, "")));
        NormalizationStatistics.Compute(Six.Value).ApplyTo(meta);
        meta.Mode = mode;
        meta.Window = 128;
        meta.Hop = 64;
        var sequences = Six.Value.Recordings.Select(r => Enumerable.Range(0, 2000).Select(t => Gather(r, t)).ToArray()).ToList();
        return QuantizeModel.WithIntegerForm(model, sequences);
    }

    private static float[] Gather(Recording r, int t) => [r.Row(t)[5], r.Row(t)[4], r.Row(t)[3], r.Row(t)[2], r.Row(t)[1], r.Row(t)[0]];

    /// <summary>Model output of a dataset class (the model lists the activities in reverse).</summary>
    private static int Output(int label) => label < 0 ? -1 : 5 - label;

    [Fact]
    public void Windowed_protocol_matches_a_plain_loop()
    {
        var model = Model();
        var windows = Windowing.WithinSegments(Six.Value.Recordings);
        var result = WindowedEvaluation.Run(model, windows, DataBinding.Create(model, Six.Value));
        Assert.Equal("windowed", result.Protocol);
        var f = model.CreateFloatSession();
        var i = model.CreateIntegerSession();
        var expectF = new ConfusionMatrix(model.Metadata.Labels);
        var expectI = new ConfusionMatrix(model.Metadata.Labels);
        int agreed = 0;
        foreach (var w in windows)
        {
            f.Reset(); i.Reset();
            for (int t = 0; t < w.Length; t++) { f.Step(Gather(w.Recording, w.Start + t)); i.Step(Gather(w.Recording, w.Start + t)); }
            expectF.Add(Output(w.Label), f.Predicted);
            expectI.Add(Output(w.Label), i.Predicted);
            if (f.Predicted == i.Predicted) agreed++;
        }
        AssertSame(expectF, result.Float!);
        AssertSame(expectI, result.Integer!);
        Assert.Equal(159, result.Compared);
        Assert.Equal(agreed, result.Agreed);
    }

    [Fact]
    public void Streaming_protocol_runs_a_streaming_model_one_step_per_sample()
    {
        var model = Model();
        var r = Six.Value.Recordings[0];
        var result = StreamingEvaluation.Run(model, [r], DataBinding.Create(model, Six.Value));
        var f = model.CreateFloatSession();
        var expect = new ConfusionMatrix(model.Metadata.Labels);
        for (int t = 0; t < r.Length; t++)
        {
            f.Step(Gather(r, t));
            if (r.Labels[t] >= 0) expect.Add(Output(r.Labels[t]), f.Predicted);
        }
        AssertSame(expect, result.Float!);
        Assert.Equal(r.Labels.Count(l => l >= 0), result.Integer!.Total);
        Assert.Equal(0, result.Integer.Unpredicted.Sum());
        Assert.InRange(result.Agreement, 0.0, 1.0);
    }

    [Fact]
    public void Streaming_protocol_reruns_the_last_window_every_hop_for_a_windowed_model()
    {
        var model = Model(ClassificationMode.Windowed);
        var r = Six.Value.Recordings[0];
        var result = StreamingEvaluation.Run(model, [r], DataBinding.Create(model, Six.Value));
        var i = model.CreateIntegerSession();
        var expect = new ConfusionMatrix(model.Metadata.Labels);
        int current = -1;
        for (int t = 0; t < r.Length; t++)
        {
            if (t + 1 >= 128 && (t + 1 - 128) % 64 == 0)
            {
                i.Reset();
                for (int k = t - 127; k <= t; k++) i.Step(Gather(r, k));
                current = i.Predicted;
            }
            if (r.Labels[t] >= 0) expect.Add(Output(r.Labels[t]), current);
        }
        AssertSame(expect, result.Integer!);
    }

    [Fact]
    public void A_model_without_a_form_reports_only_the_other()
    {
        var model = Model();
        var integerOnly = model.StripFloat();
        var result = WindowedEvaluation.Run(integerOnly, Windowing.WithinSegments(Six.Value.Recordings), DataBinding.Create(integerOnly, Six.Value));
        Assert.Null(result.Float);
        Assert.NotNull(result.Integer);
        Assert.Equal(0, result.Compared);
    }

    [Fact]
    public void Binding_rejects_data_the_model_cannot_read()
    {
        var model = Model();
        var other = new Dataset("o", ["a", "b"], ["x"], 50, [new Recording("r", 2, [0, 0], [0])]);
        Assert.Contains("channels", Assert.Throws<ArgumentException>(() => DataBinding.Create(model, other)).Message);
        var unknownClasses = new Dataset("o", HaptClasses.Channels, ["jumping"], 50, [new Recording("r", 6, new float[6], [0])]);
        Assert.Contains("none of the data's classes", Assert.Throws<ArgumentException>(() => DataBinding.Create(model, unknownClasses)).Message);
    }

    [Fact]
    public void Calibration_strategies_narrow_ranges_and_keep_engines_close()
    {
        var model = Model();
        var sequences = Six.Value.Recordings.Select(r => Enumerable.Range(0, 4000).Select(t => Gather(r, t)).ToArray()).ToList();
        var ranges = CalibrationRanges.Collect(new EdgeModel(model.Metadata, model.Float, null), sequences);
        var (minmax, minmaxOptions) = ranges.For(RangeStrategy.MinMax);
        var (percentile, _) = ranges.For(RangeStrategy.Percentile);
        var (mse, mseOptions) = ranges.For(RangeStrategy.Mse);
        Assert.Equal(1.5f, minmaxOptions.InputHeadroom);
        Assert.Equal(1f, mseOptions.InputHeadroom);
        Assert.InRange(percentile.MaxAbsInput, 0, minmax.MaxAbsInput);
        Assert.InRange(mse.MaxAbsInput, 0, minmax.MaxAbsInput * 1.0001f);
        Assert.True(mse.MaxAbsInput > 0.5f * minmax.MaxAbsInput, "int16 rounding is so fine that MSE keeps nearly the whole range");
        Assert.Equal(1.0, Math.Pow(2, Math.Round(Math.Log2(mse.MaxAbsCell[0]))) / mse.MaxAbsCell[0], 9);

        var binding = DataBinding.Create(model, Six.Value);
        var windows = Windowing.WithinSegments(Six.Value.Recordings);
        foreach (var s in Enum.GetValues<RangeStrategy>())
        {
            var q = ranges.Quantize(model, s);
            Assert.NotNull(q.Integer);
            Assert.InRange(WindowedEvaluation.Run(q, windows, binding).Agreement, 0.9, 1.0);
        }
    }

    [Fact]
    public void Histogram_percentile_and_error()
    {
        var h = new AbsHistogram(10, 10);
        for (int i = 0; i < 100; i++) h.Add(i % 10 + 0.5f);
        Assert.Equal(100, h.Total);
        Assert.Equal(5f, h.Percentile(0.5));
        Assert.Equal(10f, h.Percentile(1));
        Assert.Equal(1.0 / 12, h.MeanSquaredError(10, 1), 12);
        // Clipping at 9: the top bin (centre 9.5) is 0.5 off for a tenth of the values.
        Assert.Equal(0.9 / 12 + 0.1 * 0.25, h.MeanSquaredError(9, 1), 12);
    }

    private static void AssertSame(ConfusionMatrix expected, ConfusionMatrix actual)
    {
        Assert.Equal(expected.Classes, actual.Classes);
        for (int t = 0; t < expected.Classes; t++)
        {
            Assert.Equal(expected.Unpredicted[t], actual.Unpredicted[t]);
            for (int p = 0; p < expected.Classes; p++) Assert.Equal(expected[t, p], actual[t, p]);
        }
    }
}
