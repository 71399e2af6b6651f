using System.Diagnostics;
using EdgeLstm.Core;

namespace EdgeLstm.Cli.Commands;

/// <summary>Per-step latency of a session: median over batches of steps, after warm-up, plus allocations.</summary>
public sealed record StepTiming(double MedianNsPerStep, double P99NsPerStep, long Steps, double AllocatedBytesPerStep);

public static class StepBenchmark
{
    /// <summary>
    /// Steps per timed batch: a whole number of cycles of Clockwork periods up to 256, so that a
    /// batch's mean is the average step of a cell whose steps differ in cost.
    /// </summary>
    public const int Batch = 256;

    public static StepTiming Measure(IClassifierSession session, float[][] inputs, long steps, long warmUp)
    {
        int ring = inputs.Length;
        for (long i = 0; i < warmUp; i++) session.Step(inputs[i % ring]);
        long batches = Math.Max(1, steps / Batch);
        var perStep = new double[batches];
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        int next = 0;
        for (long b = 0; b < batches; b++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < Batch; i++)
            {
                session.Step(inputs[next]);
                if (++next == ring) next = 0;
            }
            perStep[b] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / Batch;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Array.Sort(perStep);
        return new StepTiming(perStep[batches / 2], perStep[(int)Math.Min(batches - 1, batches * 99 / 100)],
            batches * Batch, (double)allocated / (batches * Batch));
    }
}
