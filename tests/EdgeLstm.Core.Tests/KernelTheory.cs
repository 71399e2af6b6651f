using EdgeLstm.Core.Integer;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace EdgeLstm.Core.Tests;

/// <summary>
/// A theory with one data row per kernel width. A row whose <see cref="KernelChoice"/> this machine
/// cannot run (e.g. Vector512 without AVX-512) is reported as skipped, with what the width needs
/// and what the process has, instead of being left out: the test output (and test.sh's
/// "N skipped") shows which widths a run proved bit-identical and which it did not.
/// The decision is made at discovery, which runs in the same process as the tests.
/// </summary>
[XunitTestCaseDiscoverer("EdgeLstm.Core.Tests.KernelTheoryDiscoverer", "EdgeLstm.Core.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class KernelTheoryAttribute : TheoryAttribute;

/// <summary>Discovers <see cref="KernelTheoryAttribute"/> theories: rows naming an unsupported kernel choice become skipped test cases.</summary>
public sealed class KernelTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    protected override IEnumerable<IXunitTestCase> CreateTestCasesForDataRow(ITestFrameworkDiscoveryOptions discoveryOptions,
        ITestMethod testMethod, IAttributeInfo theoryAttribute, object[] dataRow)
    {
        string? reason = Kernels.SkipReason(dataRow);
        return reason is null
            ? base.CreateTestCasesForDataRow(discoveryOptions, testMethod, theoryAttribute, dataRow)
            : CreateTestCasesForSkippedDataRow(discoveryOptions, testMethod, theoryAttribute, dataRow, reason);
    }
}

/// <summary>Data rows over the kernel widths, for <see cref="KernelTheoryAttribute"/> theories.</summary>
public static class Kernels
{
    /// <summary>The vector widths, each to be proved equal to the scalar reference.</summary>
    public static readonly KernelChoice[] VectorChoices = [KernelChoice.Vector128, KernelChoice.Vector256, KernelChoice.Vector512];

    /// <summary>Every explicit choice: the scalar reference and the vector widths.</summary>
    public static readonly KernelChoice[] AllChoices = [KernelChoice.Scalar, .. VectorChoices];

    /// <summary>One row per explicit choice, scalar too: (choice).</summary>
    public static IEnumerable<object[]> All() => AllChoices.Select(c => new object[] { c });

    /// <summary>One row per vector width: (choice).</summary>
    public static IEnumerable<object[]> Vector() => VectorChoices.Select(c => new object[] { c });

    /// <summary>One row per vector width and row of <paramref name="rows"/>: (choice, ...row).</summary>
    public static IEnumerable<object[]> Vector(IEnumerable<object[]> rows) => Cross(VectorChoices, rows);

    /// <summary>One row per explicit choice (scalar too) and row of <paramref name="rows"/>: (choice, ...row).</summary>
    public static IEnumerable<object[]> All(IEnumerable<object[]> rows) => Cross(AllChoices, rows);

    private static IEnumerable<object[]> Cross(KernelChoice[] choices, IEnumerable<object[]> rows)
    {
        var list = rows.ToList();
        foreach (var choice in choices)
            foreach (var row in list)
                yield return [choice, .. row];
    }

    /// <summary>Why a row cannot run here, or null: the first kernel choice in it that this process does not support.</summary>
    public static string? SkipReason(object?[] row)
    {
        foreach (var value in row)
            if (value is KernelChoice choice && !KernelSupport.IsSupported(choice))
                return $"{choice} kernels not proved here: they need {KernelSupport.Requirement(choice)}, " +
                       $"this process has {InstructionSets.Describe()}";
        return null;
    }
}
