using System.CommandLine;
using EdgeLstm.Core.Cells;
using EdgeLstm.Core.Format;
using EdgeLstm.Core.Integer;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Cli.Commands;

/// <summary>`edgelstm bench`: per-step latency, throughput, allocations and MACs of a model or a benchmark shape.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var shape = new Option<string?>("--shape")
        {
            Description = "Seeded random-weight shape, 9 inputs, 6 classes: S = LSTM 32, M = LSTM 64 + LSTM 64, L = LSTM 128, G = GRU 64, C = Clockwork RNN 64, D = LSTM 64 + depth-gated LSTM 64, A = LSTM 32 + attention head over 128 steps",
        }.AcceptOnlyFromAmong([.. RandomModels.Shapes.Keys]);
        var periods = new Option<string?>("--periods") { Description = "Clockwork module periods for the shape's clockwork layers, e.g. 1,2,4,8 (equal modules)" };
        var model = CommonOptions.Model();
        var engine = CommonOptions.Engine();
        var scalar = CommonOptions.Scalar();
        var json = CommonOptions.Json();
        var steps = new Option<long>("--steps") { Description = "Measured steps (at least 100,000)", DefaultValueFactory = _ => 200_000 };
        var hidden = new Option<int?>("--hidden") { Description = "Hidden units of every layer of the --shape instead of its own (e.g. a wide Clockwork RNN, whose matrix products then dominate the step)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the random shape's weights", DefaultValueFactory = _ => 1 };
        var save = new Option<FileInfo?>("--save-model") { Description = "Write the benchmarked model (float and integer forms) to FILE" };
        var check = new Option<bool>("--check") { Description = "With --lanes: only the bit check (the logits hashes of K batched lanes and of K sessions), no timing" };
        var lanes = new Option<int?>("--lanes") { Description = "Step K streams of the model batched in one call (integer engine): per-stream ns per step against the single-stream step measured in the same run, total GMAC/s, and whether every lane's logits are the bits of K separate sessions (exit 1 if not)" };
        var peak = new Option<bool>("--peak") { Description = "The core's int16 multiply-accumulate peak (GMAC/s per instruction form, register-resident, measured clock); with --shape or --model also the floor of a stream step with its products at that peak against the single-stream step measured in the same run" };
        var command = new Command("bench", "Measure per-step latency (median ns), throughput, allocations and MACs per step")
        {
            shape, periods, hidden, model, engine, scalar, steps, seed, save, lanes, check, peak, json,
        };
        command.SetAction(p => CommandGuard.Run(() => Run(
            p.GetValue(shape), ParsePeriods(p.GetValue(periods)), p.GetValue(hidden), p.GetValue(model), CommonOptions.ParseEngine(p.GetValue(engine)!), p.GetValue(scalar),
            p.GetValue(steps), p.GetValue(seed), p.GetValue(save), p.GetValue(lanes), p.GetValue(check), p.GetValue(peak), p.GetValue(json))));
        return command;
    }

    internal static int[]? ParsePeriods(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var periods = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out periods[i]) || periods[i] < 1)
                throw new UsageException($"--periods: '{parts[i]}' is not a positive integer");
        return periods;
    }

    private static int Run(string? shapeName, int[]? periods, int? hidden, FileInfo? modelPath, EngineKind engine, bool scalar, long steps, int seed, FileInfo? save, int? lanes, bool check, bool peak, bool json)
    {
        if (peak && (lanes is not null || engine == EngineKind.Float)) throw new UsageException("--peak applies to the integer engine, without --lanes");
        if (peak && shapeName is null && modelPath is null) return RunPeak(null, null, scalar, steps, seed, json);
        if (check && lanes is null) throw new UsageException("--check applies with --lanes");
        if (lanes is < 1 or > 4096) throw new UsageException("--lanes: must be 1 to 4096");
        if (lanes is not null && engine == EngineKind.Float) throw new UsageException("--lanes applies to the integer engine");
        if (shapeName is not null && modelPath is not null) throw new UsageException("give --shape or --model, not both");
        if (periods is not null && shapeName is null) throw new UsageException("--periods applies to a --shape with clockwork layers");
        if (hidden is not null && shapeName is null) throw new UsageException("--hidden applies to a --shape");
        if (hidden is < 1 or > 4096) throw new UsageException("--hidden: must be 1 to 4096");
        if (steps < 100_000) throw new UsageException("--steps must be at least 100000");
        EdgeModel model;
        string name;
        if (shapeName is not null)
        {
            var shape = RandomModels.Shapes[shapeName];
            if (hidden is { } units) shape = shape with { Name = $"{shapeName}{units}", Layers = [.. shape.Layers.Select(l => (l.Variant, units))] };
            if (periods is not null && !shape.Layers.Any(l => CellRegistry.ForVariant(l.Variant)!.TakesPeriods))
                throw new UsageException($"--periods: shape {shapeName} has no clockwork layer");
            model = RandomModels.CreateQuantized(shape, seed, periods);
            name = periods is null ? shape.Name : $"{shape.Name} periods {string.Join(',', periods)}";
        }
        else
        {
            model = ModelSource.Load(modelPath);
            name = model.Metadata.Name;
        }
        if (save is not null) ModelFileWriter.Save(model, save.FullName);

        if (peak) return RunPeak(model, name, scalar, steps, seed, json);
        if (lanes is { } k) return RunBatched(model, name, scalar ? KernelChoice.Scalar : KernelChoice.Auto, k, steps, seed, check, json);

        var session = model.CreateSession(engine, scalar ? KernelChoice.Scalar : KernelChoice.Auto);
        string kernels = session is IntegerSession s ? s.KernelName : "float32 reference (scalar)";
        long sessionBytes = session is IntegerSession si ? si.MemoryBytes : 0;
        var inputs = RandomModels.RandomSequences(model.InputSize, 1, 4096, seed + 2)[0];
        // An attention head pools when the output is read: classify once per window, as the daemon does.
        int classifyEvery = model.HeadKind == HeadKind.Attention ? model.Metadata.Window : 0;
        var timing = StepBenchmark.Measure(session, inputs, steps, warmUp: 20_000, classifyEvery);
        // Average over a long stream: below the peak for Clockwork RNN, whose slow modules skip steps.
        double macs = model.Float?.AverageMacsPerStep ?? model.Integer!.AverageMacsPerStep;
        long peakMacs = model.Float?.MacsPerStep ?? model.Integer!.MacsPerStep;
        double stepsPerSecond = 1e9 / timing.MedianNsPerStep;
        double gmac = macs / timing.MedianNsPerStep;

        if (json)
        {
            Json.WriteLine(w =>
            {
                w.WriteStartObject();
                w.WriteString("shape", name);
                w.WriteString("head", model.HeadKind == HeadKind.Attention ? "attention" : "last");
                if (classifyEvery > 0) w.WriteNumber("classifyEvery", classifyEvery);
                w.WriteString("engine", engine == EngineKind.Float ? "float" : "int");
                w.WriteString("isa", kernels);
                w.WriteString("instructionSets", InstructionSets.Describe());
                w.WriteString("architecture", System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant());
                w.WriteNumber("nsPerStep", Math.Round(timing.MedianNsPerStep, 1));
                w.WriteNumber("p99NsPerStep", Math.Round(timing.P99NsPerStep, 1));
                w.WriteNumber("stepsPerSecond", Math.Round(stepsPerSecond));
                w.WriteNumber("allocatedBytesPerStep", timing.AllocatedBytesPerStep);
                w.WriteNumber("macsPerStep", Math.Round(macs, 1));
                w.WriteNumber("peakMacsPerStep", peakMacs);
                w.WriteNumber("gmacPerSecond", Math.Round(gmac, 3));
                if (sessionBytes > 0) w.WriteNumber("sessionBytes", sessionBytes);
                w.WriteNumber("steps", timing.Steps);
                w.WriteEndObject();
            });
        }
        else
        {
            Console.WriteLine($"model        {name} ({string.Join(" + ", (model.Float?.Layers.Select(l => $"{l.VariantName} {l.HiddenSize}") ?? model.Integer!.Layers.Select(l => $"{l.VariantName} {l.HiddenSize}")))}" +
                              (classifyEvery > 0 ? $" + attention head; classified every {classifyEvery} steps, pooling amortized)" : ")"));
            Console.WriteLine($"engine       {(engine == EngineKind.Float ? "float" : "int")} [{kernels}; {InstructionSets.Describe()}]");
            Console.WriteLine($"per step     {timing.MedianNsPerStep:F1} ns median, {timing.P99NsPerStep:F1} ns p99 over {timing.Steps:N0} steps");
            Console.WriteLine($"throughput   {stepsPerSecond:N0} steps/s, {gmac:F3} GMAC/s ({macs:N0} MACs per step{(peakMacs > macs ? $" on average, {peakMacs:N0} at most" : "")})");
            Console.WriteLine($"allocations  {timing.AllocatedBytesPerStep:F3} bytes per step");
            if (sessionBytes > 0) Console.WriteLine($"memory       {sessionBytes:N0} bytes of prepared weights, tables, state and scratch");
        }
        return ExitCodes.Success;
    }

    /// <summary>`bench --lanes K`: the batched session against the single-stream step, in one run, and the bit check.</summary>
    private static int RunBatched(EdgeModel model, string name, KernelChoice kernels, int lanes, long steps, int seed, bool check, bool json)
    {
        var network = model.Integer ?? throw new UsageException("--lanes needs a model with an integer form");
        var inputs = RandomModels.RandomSequences(model.InputSize, 1, 4096, seed + 2)[0];
        var timing = check ? null : BatchedStepBenchmark.Measure(network, kernels, lanes, inputs, steps, warmUp: 20_000);
        ulong batchedHash = BatchedStepBenchmark.LogitsHash(network, kernels, lanes, inputs, batched: true);
        ulong singleHash = BatchedStepBenchmark.LogitsHash(network, kernels, lanes, inputs, batched: false);
        var probe = new BatchedIntegerSession(network, lanes, kernels);
        double macs = network.AverageMacsPerStep;
        bool identical = batchedHash == singleHash;
        if (timing is null)
        {
            if (json)
                Json.WriteLine(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("shape", name);
                    w.WriteString("isa", probe.KernelName);
                    w.WriteString("architecture", System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant());
                    w.WriteNumber("lanes", lanes);
                    w.WriteBoolean("batched", probe.IsBatched);
                    WriteHashes(w, batchedHash, singleHash);
                    w.WriteEndObject();
                });
            else PrintHashes(lanes, batchedHash, singleHash);
            return identical ? ExitCodes.Success : ExitCodes.CheckFailed;
        }
        double perLane = timing.NsPerLaneStep, single = timing.Single.MedianNsPerStep;
        if (json)
        {
            Json.WriteLine(w =>
            {
                w.WriteStartObject();
                w.WriteString("shape", name);
                w.WriteString("engine", "int");
                w.WriteString("isa", probe.KernelName);
                w.WriteString("instructionSets", InstructionSets.Describe());
                w.WriteString("architecture", System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant());
                w.WriteNumber("lanes", lanes);
                w.WriteBoolean("batched", probe.IsBatched);
                w.WriteNumber("nsPerStep", Math.Round(perLane, 1));
                w.WriteNumber("nsPerCall", Math.Round(timing.MedianNsPerCall, 1));
                w.WriteNumber("singleNsPerStep", Math.Round(single, 1));
                w.WriteNumber("perStreamRatio", Math.Round(perLane / single, 3));
                w.WriteNumber("allocatedBytesPerCall", timing.AllocatedBytesPerCall);
                w.WriteNumber("macsPerStep", Math.Round(macs, 1));
                w.WriteNumber("gmacPerSecond", Math.Round(macs / perLane, 3));
                w.WriteNumber("singleGmacPerSecond", Math.Round(macs / single, 3));
                w.WriteNumber("sessionBytes", probe.MemoryBytes);
                WriteHashes(w, batchedHash, singleHash);
                w.WriteEndObject();
            });
        }
        else
        {
            Console.WriteLine($"model        {name} ({string.Join(" + ", network.Layers.Select(l => $"{l.VariantName} {l.HiddenSize}"))}), {lanes} lanes {(probe.IsBatched ? "batched" : "one session each (a kind without a batched step)")}");
            Console.WriteLine($"engine       int [{probe.KernelName}; {InstructionSets.Describe()}]");
            Console.WriteLine($"per stream   {perLane:F1} ns per step ({timing.MedianNsPerCall:F1} ns per call of {lanes}), single stream {single:F1} ns: {perLane / single:F3}x");
            Console.WriteLine($"throughput   {macs / perLane:F3} GMAC/s batched, {macs / single:F3} GMAC/s single ({macs:N0} MACs per stream step)");
            Console.WriteLine($"allocations  {timing.AllocatedBytesPerCall:F3} bytes per call");
            PrintHashes(lanes, batchedHash, singleHash);
        }
        return identical ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    /// <summary>
    /// `bench --peak`: every multiply-accumulate form's measured peak; with a model, the floor of
    /// its stream step (its MACs at the best form's peak, nothing else) against a third of the
    /// single-stream step measured right after.
    /// </summary>
    private static int RunPeak(EdgeModel? model, string? name, bool scalar, long steps, int seed, bool json)
    {
        var result = PeakBenchmark.Measure();
        var best = result.Best;
        var bound = result.MultiplyBound;
        StepTiming? single = null;
        double macs = 0;
        if (model is not null)
        {
            var network = model.Integer ?? throw new UsageException("--peak with a model needs its integer form");
            macs = network.AverageMacsPerStep;
            var inputs = RandomModels.RandomSequences(model.InputSize, 1, 4096, seed + 2)[0];
            single = StepBenchmark.Measure(new IntegerSession(network, scalar ? KernelChoice.Scalar : KernelChoice.Auto), inputs, steps, warmUp: 20_000);
        }
        double floor = best is null || macs == 0 ? 0 : macs / best.GmacPerSecond;
        double multiplyFloor = bound is null || macs == 0 ? 0 : macs / bound.GmacPerSecond;
        if (json)
        {
            Json.WriteLine(w =>
            {
                w.WriteStartObject();
                w.WriteString("instructionSets", InstructionSets.Describe());
                w.WriteString("architecture", System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant());
                w.WriteNumber("clockGhz", Math.Round(result.ClockGhz, 3));
                w.WriteObjects("forms", result.Forms, (w, f) =>
                {
                    w.WriteString("form", f.Name);
                    w.WriteNumber("macsPerInstruction", f.MacsPerInstruction);
                    w.WriteBoolean("supported", f.Supported);
                    w.WriteNumber("gmacPerSecond", Math.Round(f.GmacPerSecond, 2));
                    w.WriteNumber("perCycle", Math.Round(f.InstructionsPerCycle, 3));
                });
                if (best is not null) w.WriteString("best", best.Name);
                if (bound is not null) w.WriteString("multiplyBound", bound.Name);
                if (single is not null)
                {
                    w.WriteString("shape", name);
                    w.WriteNumber("macsPerStep", Math.Round(macs, 1));
                    w.WriteNumber("floorNsPerStep", Math.Round(floor, 1));
                    w.WriteNumber("multiplyFloorNsPerStep", Math.Round(multiplyFloor, 1));
                    w.WriteNumber("singleNsPerStep", Math.Round(single.MedianNsPerStep, 1));
                    w.WriteNumber("oneThirdNsPerStep", Math.Round(single.MedianNsPerStep / 3, 1));
                    w.WriteBoolean("thirdReachable", floor <= single.MedianNsPerStep / 3);
                }
                w.WriteEndObject();
            });
            return ExitCodes.Success;
        }
        Console.WriteLine($"clock        {result.ClockGhz:F3} GHz (a dependent chain of vector adds, one cycle each)");
        foreach (var f in result.Forms)
            Console.WriteLine(f.Supported
                ? $"{f.Name,-44} {f.GmacPerSecond,7:F1} GMAC/s, {f.InstructionsPerCycle:F2} per cycle x {f.MacsPerInstruction} MACs"
                : $"{f.Name,-44} not available in this process ({InstructionSets.Describe()})");
        if (single is not null)
        {
            Console.WriteLine($"model        {name}: {macs:N0} MACs per step; at {best!.GmacPerSecond:F1} GMAC/s ({best.Name}) the products alone take {floor:F0} ns");
            if (bound is not null) Console.WriteLine($"             at {bound.GmacPerSecond:F1} GMAC/s ({bound.Name}, no add: a bound on any fused multiply-add) {multiplyFloor:F0} ns");
            Console.WriteLine($"single       {single.MedianNsPerStep:F0} ns per step (this run); a third is {single.MedianNsPerStep / 3:F0} ns: {(floor <= single.MedianNsPerStep / 3 ? "above the floor, reachable in principle" : "below the floor, not reachable with this instruction set")}");
        }
        return ExitCodes.Success;
    }

    private static void WriteHashes(System.Text.Json.Utf8JsonWriter w, ulong batched, ulong single)
    {
        w.WriteString("logitsHash", batched.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteString("singleLogitsHash", single.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteBoolean("bitIdentical", batched == single);
    }

    private static void PrintHashes(int lanes, ulong batched, ulong single) =>
        Console.WriteLine($"bits         logits hash {batched:x16} batched, {single:x16} in {lanes} sessions: {(batched == single ? "identical" : "DIFFERENT")}");
}
