using EdgeLstm.Core.Integer;

namespace EdgeLstm.Core.Tests;

public class AllocationTests
{
    public static IEnumerable<object[]> VariantsOnEveryKernelChoice() => Kernels.All(TestModels.Variants());

    [KernelTheory]
    [MemberData(nameof(VariantsOnEveryKernelChoice))]
    public void Step_and_reset_allocate_nothing_after_warm_up(KernelChoice choice, string variant)
    {
        var model = TestModels.Quantized(variant, hidden: 24, layers: 2);
        var inputs = TestModels.Inputs(9, 4)[0];
        var quantized = new short[9];
        var probabilities = new float[6];
        var session = model.CreateIntegerSession(choice);
        var floatSession = model.CreateFloatSession();
        long allocated = Allocations.OfSteadyState(Pass);
        Assert.True(allocated == 0, $"{variant} {choice}: {allocated} bytes allocated over {inputs.Length} steps");

        void Pass()
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                session.Step(inputs[i]);
                session.QuantizeInput(inputs[i], quantized);
                session.StepQuantized(quantized);
                session.GetProbabilities(probabilities);
                floatSession.Step(inputs[i]);
                if (i % 100 == 0) { session.Reset(); floatSession.Reset(); }
            }
        }
    }
}
