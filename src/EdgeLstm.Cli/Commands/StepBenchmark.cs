using System.Diagnostics;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using EdgeLstm.Core;
using EdgeLstm.Core.Integer;
using EdgeLstm.Core.Model;

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

/// <summary>The batched session's timing against the single-stream session's, measured in the same run.</summary>
public sealed record BatchedTiming(int Lanes, double MedianNsPerCall, double AllocatedBytesPerCall, StepTiming Single)
{
    /// <summary>Per-stream cost of a step in the batch.</summary>
    public double NsPerLaneStep => MedianNsPerCall / Lanes;
}

public static class BatchedStepBenchmark
{
    /// <summary>
    /// Per-stream latency of <see cref="BatchedIntegerSession"/>: every lane stepped in each call,
    /// lane l at call t on sample (t + 7 l) mod ring; median over batches of calls, after warm-up;
    /// then the single-stream <see cref="IntegerSession"/> of the same model and kernels over
    /// the same number of stream steps.
    /// </summary>
    public static BatchedTiming Measure(QuantizedNetwork network, KernelChoice kernels, int lanes, float[][] inputs, long steps, long warmUp)
    {
        var batched = new BatchedIntegerSession(network, lanes, kernels);
        int[] all = [.. Enumerable.Range(0, lanes)];
        int ring = inputs.Length, width = network.InputSize;
        // The ring's samples laid out lane-major for every call offset t mod ring.
        var samples = new float[ring][];
        for (int t = 0; t < ring; t++)
        {
            samples[t] = new float[lanes * width];
            for (int l = 0; l < lanes; l++) inputs[(t + 7 * l) % ring].CopyTo(samples[t], l * width);
        }
        long calls = Math.Max(1, steps / lanes), warmCalls = Math.Max(1, warmUp / lanes);
        int next = 0;
        for (long c = 0; c < warmCalls; c++)
        {
            batched.Step(all, samples[next]);
            if (++next == ring) next = 0;
        }
        // Batches of about StepBenchmark.Batch stream steps (at least one call).
        int perBatch = Math.Max(1, StepBenchmark.Batch / lanes);
        long batches = Math.Max(1, calls / perBatch);
        var perCall = new double[batches];
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (long b = 0; b < batches; b++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < perBatch; i++)
            {
                batched.Step(all, samples[next]);
                if (++next == ring) next = 0;
            }
            perCall[b] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / perBatch;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Array.Sort(perCall);
        var single = StepBenchmark.Measure(new IntegerSession(network, kernels), inputs, Math.Max(batches * perBatch * lanes, StepBenchmark.Batch), warmUp);
        return new BatchedTiming(lanes, perCall[batches / 2], (double)allocated / (batches * perBatch), single);
    }

    /// <summary>
    /// XxHash64 of every lane's logits after every call of a fixed run over lanes streams: each call
    /// steps the lanes whose index is not ≡ t mod 3 (a changing subset), lane t mod lanes is reset
    /// every 50 calls (a new stream joins there). batched: one <see cref="BatchedIntegerSession"/>;
    /// otherwise one <see cref="IntegerSession"/> per lane. Equal hashes: the same bits.
    /// </summary>
    public static ulong LogitsHash(QuantizedNetwork network, KernelChoice kernels, int lanes, float[][] inputs, bool batched, int calls = 300)
    {
        var batch = batched ? new BatchedIntegerSession(network, lanes, kernels) : null;
        var single = batched ? null : Enumerable.Range(0, lanes).Select(_ => new IntegerSession(network, kernels)).ToArray();
        var hash = new XxHash64();
        int width = network.InputSize;
        var stepping = new List<int>();
        var samples = new float[lanes * width];
        for (int t = 0; t < calls; t++)
        {
            if (t % 50 == 49)
            {
                batch?.Reset(t % lanes);
                single?[t % lanes].Reset();
            }
            stepping.Clear();
            for (int l = 0; l < lanes; l++)
                if (l % 3 != t % 3 || lanes == 1) stepping.Add(l);
            for (int j = 0; j < stepping.Count; j++)
            {
                var x = inputs[(t + 7 * stepping[j]) % inputs.Length];
                if (single is not null) single[stepping[j]].Step(x);
                else x.CopyTo(samples, j * width);
            }
            batch?.Step(CollectionsMarshal.AsSpan(stepping), samples.AsSpan(0, stepping.Count * width));
            for (int l = 0; l < lanes; l++)
                hash.Append(MemoryMarshal.AsBytes(batch is not null ? batch.Logits(l) : single![l].Logits));
        }
        return hash.GetCurrentHashAsUInt64();
    }
}
