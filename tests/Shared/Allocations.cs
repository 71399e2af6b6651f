namespace EdgeLstm.Tests.Shared;

/// <summary>Bytes allocated on this thread by code that must allocate nothing once warm.</summary>
internal static class Allocations
{
    /// <summary>
    /// Runs the pass twice and returns what the second run allocated: the first, unmeasured run
    /// takes every method's first calls (and the runtime's tiering of them) out of the measurement.
    /// </summary>
    public static long OfSecondPass(Action pass)
    {
        pass();
        long before = GC.GetAllocatedBytesForCurrentThread();
        pass();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
