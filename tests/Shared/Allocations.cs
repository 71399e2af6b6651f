namespace EdgeLstm.Tests.Shared;

/// <summary>Bytes allocated on this thread by code that must allocate nothing once warm.</summary>
internal static class Allocations
{
    /// <summary>
    /// Runs the pass once unmeasured (every method's first calls, the runtime's tiering of them),
    /// then up to <paramref name="passes"/> times measured, and returns the least any measured pass
    /// allocated (0 ends it early). Code that allocates per step allocates in every pass, so it
    /// still fails; a one-off of the runtime on this thread while it is still tiering the code up
    /// does not (seen under load in one pass: 520 and 7,968 bytes, the same tests allocating
    /// nothing on a quiet machine; a compile on the calling thread, such as on-stack replacement of
    /// a hot loop, is the likely source).
    /// </summary>
    public static long OfSteadyState(Action pass, int passes = 3)
    {
        pass();
        long least = long.MaxValue;
        for (int i = 0; i < passes && least > 0; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            pass();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
