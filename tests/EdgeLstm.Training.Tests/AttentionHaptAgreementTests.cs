using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;
using EdgeLstm.Training.Data;
using EdgeLstm.Training.Evaluation;
using Xunit.Abstractions;

namespace EdgeLstm.Training.Tests;

/// <summary>
/// Issue 8's acceptance for the attention head on real data: the committed HAPT model (LSTM 32
/// with an attention head, trained by the command in models/README.md) decides the same class
/// in the integer engine as in the float reference on at least 99 % of the HAPT test windows
/// (128 samples, hop 64, inside one labelled segment, the 9 test subjects), and its integer
/// context stays within the numeric contract of the float one.
/// </summary>
public class AttentionHaptAgreementTests(ITestOutputHelper output)
{
    private static string ModelPath => Path.Combine(DataRepoFiles.Root, "models", "attention", "hapt-lstm32.elstm");

    [Fact]
    public void Integer_and_float_decisions_agree_on_99_percent_of_HAPT_test_windows()
    {
        var model = ModelFileReader.Load(ModelPath);
        Assert.Equal(HeadKind.Attention, model.HeadKind);
        var test = HaptDataset.Load(DataRepoFiles.HaptDirectory).Test;
        var windows = Windowing.WithinSegments(test.Recordings);
        var result = WindowedEvaluation.Run(model, windows, DataBinding.Create(model, test));
        output.WriteLine($"{result.Compared} windows, agreement {result.Agreement:P2}, float accuracy {result.Float!.Accuracy:P2}, integer accuracy {result.Integer!.Accuracy:P2}");
        Assert.True(result.Compared > 1000, $"only {result.Compared} windows compared");
        Assert.True(result.Agreement >= 0.99, $"integer and float agree on {result.Agreement:P2} of {result.Compared} windows");
    }

    [Fact]
    public void Integer_context_stays_within_the_contract_on_HAPT_windows()
    {
        var model = ModelFileReader.Load(ModelPath);
        var test = HaptDataset.Load(DataRepoFiles.HaptDirectory).Test;
        var binding = DataBinding.Create(model, test);
        var f = model.CreateFloatSession();
        var floor = new Core.Float.FloatSession(model.Integer!.Dequantize(), model.Metadata);
        var i = model.CreateIntegerSession();
        var input = new float[binding.Inputs];
        double floorError = 0, total = 0, hiddenArithmetic = 0, contextArithmetic = 0;
        int top = i.LayerCount - 1;
        // Every 24th window keeps this test to a few seconds; the agreement test above runs them all.
        foreach (var w in Windowing.WithinSegments(test.Recordings).Where((_, k) => k % 24 == 0))
        {
            f.Reset(); floor.Reset(); i.Reset();
            for (int t = 0; t < w.Length; t++)
            {
                binding.Gather(w.Recording, w.Start + t, input);
                f.Step(input); floor.Step(input); i.Step(input);
                var hd = floor.Hidden(top); var hi = i.Hidden(top);
                for (int k = 0; k < hd.Length; k++) hiddenArithmetic = Math.Max(hiddenArithmetic, Math.Abs(hi[k] / 32768.0 - hd[k]));
            }
            var cf = f.HeadInput; var cd = floor.HeadInput; var ci = i.HeadInput;
            for (int k = 0; k < cf.Length; k++)
            {
                floorError = Math.Max(floorError, Math.Abs(cd[k] - cf[k]));
                total = Math.Max(total, Math.Abs(ci[k] / 32768.0 - cf[k]));
                contextArithmetic = Math.Max(contextArithmetic, Math.Abs(ci[k] / 32768.0 - cd[k]));
            }
        }
        output.WriteLine($"context: weight-rounding floor {floorError:E3}, integer total {total:E3}; integer arithmetic: top hidden states {hiddenArithmetic:E3}, context {contextArithmetic:E3}");
        // The context is a convex combination of the top layer's states: the integer pooling may add
        // at most 2e-3 to the integer arithmetic error those states already carry after 128 steps.
        Assert.True(contextArithmetic <= hiddenArithmetic + 2e-3, $"integer pooling adds {contextArithmetic - hiddenArithmetic:E3} to the states' arithmetic error {hiddenArithmetic:E3}");
        Assert.True(floorError <= 0.2, $"weight rounding floor {floorError:E3}");
    }
}
