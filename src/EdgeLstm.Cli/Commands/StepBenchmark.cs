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

    /// <summary>
    /// classifyEvery &gt; 0 reads the prediction after every that many steps (an attention head's
    /// window, whose pooling runs when the output is read), so the time per step includes it amortized.
    /// </summary>
    public static StepTiming Measure(IClassifierSession session, float[][] inputs, long steps, long warmUp, int classifyEvery = 0)
    {
        int ring = inputs.Length;
        for (long i = 0; i < warmUp; i++) session.Step(inputs[i % ring]);
        long batches = Math.Max(1, steps / Batch);
        var perStep = new double[batches];
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        int next = 0, sinceClassified = 0;
        long predicted = 0;
        for (long b = 0; b < batches; b++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < Batch; i++)
            {
                session.Step(inputs[next]);
                if (++next == ring) next = 0;
                if (classifyEvery > 0 && ++sinceClassified == classifyEvery)
                {
                    sinceClassified = 0;
                    predicted += session.Predicted;
                }
            }
            perStep[b] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / Batch;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        GC.KeepAlive(predicted);
        Array.Sort(perStep);
        return new StepTiming(perStep[batches / 2], perStep[(int)Math.Min(batches - 1, batches * 99 / 100)],
            batches * Batch, (double)allocated / (batches * Batch));
    }
}
