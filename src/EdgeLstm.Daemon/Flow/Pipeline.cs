using System.Diagnostics;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Processing;
using EdgeLstm.Daemon.Samples;
using EdgeLstm.Daemon.Sinks;
using EdgeLstm.Daemon.Sources;

namespace EdgeLstm.Daemon.Flow;

/// <summary>
/// The data path of DESIGN.md section 5: sources → decoder → bounded input queue → per-stream
/// classifiers (one stage, one thread at a time) → bounded output queue → sinks. <see cref="Start"/>
/// runs it; it completes by itself when every source is finite and has ended, or on
/// <see cref="StopAsync"/>, which drains: every accepted sample is classified and every
/// classification written and flushed before the returned task completes.
/// </summary>
public sealed class Pipeline
{
    private readonly PipelineOptions _options;
    private readonly IReadOnlyList<Source> _sources;
    private readonly ISink[] _sinks;
    private StreamPlanner _planner;
    // Bumped by Replan; a stream whose classifier is of an older generation gets a new one at its next sample.
    private int _generation;
    private readonly Action<string> _log;
    private readonly BatchPool<SampleBatch> _samplePool;
    private readonly BatchPool<ClassificationBatch> _eventPool;
    // One input queue and classifier worker per shard; a source (and so each of its streams) belongs
    // to one shard, or, for a source that spreads its streams (MQTT), each of its streams does; so a
    // stream's classifier is only ever touched by one worker.
    private readonly BoundedStage<SampleBatch>[] _inputs;
    private readonly SourceContext[] _contexts;
    private int _workersRunning;
    private readonly BoundedStage<ClassificationBatch> _output;
    private readonly List<StreamClassifier> _classifiers = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _sourcesDone = Task.CompletedTask, _classifier = Task.CompletedTask, _sinking = Task.CompletedTask;
    private Task[] _workers = [];
    private int _started;

    public Pipeline(PipelineOptions options, IReadOnlyList<Source> sources, IReadOnlyList<ISink> sinks, StreamPlanner planner, Action<string> log)
    {
        _options = options;
        _sources = sources;
        _sinks = [.. sinks];
        _planner = planner;
        _log = log;
        Streams = new StreamRegistry(options.Partition, log);
        int batch = BatchCapacity = Math.Max(options.BatchSize, Decoding.BinaryFrame.MaxSamples); // a whole frame always fits an empty batch
        _samplePool = new BatchPool<SampleBatch>(() => new SampleBatch(batch), options.InputCapacity * Math.Max(1, options.ClassifierWorkers) + 4 * (sources.Count + 2));
        _eventPool = new BatchPool<ClassificationBatch>(() => new ClassificationBatch(batch), options.OutputCapacity + 4 + Math.Max(1, options.ClassifierWorkers));
        // A worker per source at most, unless a source spreads its streams over the workers (MQTT: many streams, one source).
        int shards = Math.Clamp(options.ClassifierWorkers, 1, sources.Any(s => s.SpreadsStreams) ? int.MaxValue : Math.Max(1, sources.Count));
        _inputs = new BoundedStage<SampleBatch>[shards];
        _classifiedByWorker = new long[shards];
        for (int i = 0; i < shards; i++)
            _inputs[i] = new BoundedStage<SampleBatch>(options.InputCapacity, b => b.Count, _samplePool.Return,
                n => Interlocked.Add(ref Counters.SamplesAccepted, n), b => Dropped(b, ref Counters.DroppedInput), b => Dropped(b, ref Counters.DroppedAtStop));
        _output = new BoundedStage<ClassificationBatch>(options.OutputCapacity, b => b.Count, _eventPool.Return,
            _ => { }, b => Interlocked.Add(ref Counters.DroppedOutput, b.Count), b => Interlocked.Add(ref Counters.DroppedOutput, b.Count));
        // One context per source (its own silence clock for health, its full-mode, its rejection log), on its shard's input queue.
        _contexts = Enumerable.Range(0, Math.Max(1, sources.Count))
            .Select(i => new SourceContext(i < sources.Count ? sources[i].Name : "", options.InputFullMode ?? (i < sources.Count ? sources[i].DefaultFullMode : FullMode.Wait),
                Counters, Streams, _samplePool, _inputs[i % shards], log, i < sources.Count && sources[i].SpreadsStreams ? _inputs : null)).ToArray();
    }

    /// <summary>Counts a dropped batch and marks each of its streams' gap, so their state is reset after it (docs/pipeline.md).</summary>
    private static void Dropped(SampleBatch batch, ref long counter)
    {
        Interlocked.Add(ref counter, batch.Count);
        for (int i = 0; i < batch.Count; i++) batch.Stream[i].NoteDropped(batch.ArrivalTicks[i]);
    }

    public PipelineCounters Counters { get; } = new();

    /// <summary>Samples a batch holds: the configured batch size, but at least one frame's largest sample count.</summary>
    public int BatchCapacity { get; }
    public StreamRegistry Streams { get; }
    /// <summary>The context source i runs with (its shard's input queue).</summary>
    public SourceContext ContextOf(int source) => _contexts[source];

    /// <summary>Each source's rejection summary that is due (called by the service's periodic tick).</summary>
    public void SummarizeRejections()
    {
        foreach (var context in _contexts) context.Rejections.SummarizeIfDue();
    }
    public IReadOnlyList<Source> Sources => _sources;

    /// <summary>Completes when the last classification has been written and the sinks flushed.</summary>
    public Task Completion => _sinking;

    /// <summary>True while the stages run (for a watchdog: combine with <see cref="PipelineCounters.Progress"/>).</summary>
    public bool IsRunning => _started == 1 && !_classifier.IsCompleted && !_sinking.IsCompleted;

    /// <summary>Classifier workers (input shards).</summary>
    public int Workers => _inputs.Length;

    private readonly long[] _classifiedByWorker;

    /// <summary>Samples each classifier worker has classified (how evenly the streams spread).</summary>
    public IReadOnlyList<long> ClassifiedByWorker => [.. Enumerable.Range(0, _classifiedByWorker.Length).Select(i => Volatile.Read(ref _classifiedByWorker[i]))];

    /// <summary>Batches waiting in the input and output queues.</summary>
    public (int Input, int Output) Queued => (_inputs.Sum(i => i.Queued), _output.Queued);

    /// <summary>Batches allocated by the pools so far (constant in steady state).</summary>
    public long PoolAllocations => _samplePool.Allocated + _eventPool.Allocated;

    /// <summary>The per-stream classifiers created so far (a copy).</summary>
    public IReadOnlyList<StreamClassifier> Classifiers
    {
        get { lock (_classifiers) return [.. _classifiers]; }
    }

    /// <summary>
    /// Switches models and stream rules (SIGHUP) without losing a sample: each classifier worker picks
    /// the new plan up between two batches, and each stream starts a new classifier (fresh recurrent
    /// state, window and event logic; its sample index `t` continues) at its first sample after that.
    /// Samples already accepted but not yet classified are classified once, by the new plan.
    /// </summary>
    public void Replan(StreamPlanner planner)
    {
        Volatile.Write(ref _planner, planner);
        Interlocked.Increment(ref _generation);
    }

    /// <summary>How many times <see cref="Replan"/> switched plans.</summary>
    public int Generation => Volatile.Read(ref _generation);

    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) throw new InvalidOperationException("the pipeline runs already");
        foreach (var sink in _sinks) sink.Start();
        _sinking = Task.Run(SinkStageAsync);
        _workersRunning = _inputs.Length;
        _workers = _inputs.Select((input, worker) => Task.Run(() => ClassifierStageAsync(input, worker))).ToArray();
        _classifier = Task.WhenAll(_workers);
        for (int i = 0; i < _sources.Count; i++) _sources[i].Prepare(ContextOf(i));
        var running = _sources.Select((s, i) => Task.Run(() => RunSourceAsync(s, ContextOf(i)))).ToArray();
        var finite = running.Where((_, i) => _sources[i].IsFinite).ToArray();
        _sourcesDone = Task.WhenAll(running);
        // When every source is finite, the pipeline ends after the last one; live sources run until stopped.
        if (finite.Length == running.Length) _ = _sourcesDone.ContinueWith(_ => CompleteInputs(), TaskScheduler.Default);
    }

    /// <summary>Stops the sources (waiting up to the grace for them to end), then drains every stage.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAny(_sourcesDone, Task.Delay(_options.StopGrace)).ConfigureAwait(false);
        CompleteInputs();
        // A source that was waiting at a full stage returns now, its batch counted as dropped at stop:
        // wait for it (again at most the grace), so that the report holds every count.
        await Task.WhenAny(_sourcesDone, Task.Delay(_options.StopGrace)).ConfigureAwait(false);
        await Completion.ConfigureAwait(false);
    }

    private void CompleteInputs()
    {
        foreach (var input in _inputs) input.Complete();
    }

    private async Task RunSourceAsync(Source source, SourceContext context)
    {
        try
        {
            await source.RunAsync(context, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
        catch (Exception e)
        {
            _log($"source '{source.Name}' failed: {e.Message}");
            if (source.IsFinite) throw;
        }
    }

    private async Task ClassifierStageAsync(BoundedStage<SampleBatch> input, int worker)
    {
        var reader = input.Reader;
        var events = RentEvents();
        // Batched stepping (docs/batching.md): samples staged across the batches already queued, then stepped together.
        var round = _options.BatchLanes > 0 ? new LaneRound(_options.BatchLanes, BatchCapacity, Counters) : null;
        var held = new SampleBatch[BatchCapacity]; // batches whose samples are staged, returned at the flush
        int heldCount = 0;
        long staged = 0; // samples of the held batches
        long holdTicks = (long)(_options.BatchHold.TotalSeconds * Stopwatch.Frequency);
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var batch))
                {
                    long allocated = GC.GetAllocatedBytesForCurrentThread();
                    Classify(batch, events, round);
                    staged += batch.Count;
                    held[heldCount++] = batch;
                    // Stage the next queued batch too while it fits one output batch and the oldest staged sample may still wait.
                    bool hold = round is { Pending: > 0 } && heldCount < held.Length && reader.TryPeek(out var next)
                                && round.Pending + events.Count + next.Count <= BatchCapacity
                                && Stopwatch.GetTimestamp() - round.OldestStaged < holdTicks;
                    if (!hold)
                    {
                        round?.Flush(events);
                        // Counted once stepped (a held batch's samples are staged, not yet classified).
                        Interlocked.Add(ref Counters.SamplesClassified, staged);
                        Interlocked.Add(ref _classifiedByWorker[worker], staged);
                        staged = 0;
                        for (int k = 0; k < heldCount; k++) _samplePool.Return(held[k]);
                        Array.Clear(held, 0, heldCount);
                        heldCount = 0;
                    }
                    Counters.AddStageAllocation(allocated);
                    if (hold || events.Count == 0) continue;
                    Interlocked.Add(ref Counters.Classifications, events.Count);
                    while (!_output.TryAccept(events, _options.OutputFullMode))
                        if (!await _output.WaitToWriteAsync().ConfigureAwait(false)) break;
                    events = RentEvents();
                }
            }
        }
        finally
        {
            _eventPool.Return(events);
            if (Interlocked.Decrement(ref _workersRunning) == 0) _output.Complete();
        }
    }

    private void Classify(SampleBatch batch, ClassificationBatch events, LaneRound? round)
    {
        int generation = Volatile.Read(ref _generation);
        for (int i = 0; i < batch.Count; i++)
        {
            var stream = batch.Stream[i];
            var classifier = stream.ClassifierState as StreamClassifier;
            if (classifier is null || classifier.Generation != generation)
            {
                if (classifier is { Pending: > 0 }) round!.Flush(events); // its lane is given back below
                classifier = CreateClassifier(stream, classifier, generation, round);
            }
            try
            {
                if (!classifier.Batched) classifier.Process(batch, i, events);
                else
                {
                    if (!round!.CanStage(classifier)) round.Flush(events);
                    round.Stage(classifier, batch, i);
                }
            }
            catch (ArgumentException e)
            {
                Interlocked.Increment(ref Counters.UnmappedSamples);
                _log($"stream '{stream.Name}': {e.Message}");
            }
        }
    }

    private StreamClassifier CreateClassifier(StreamHandle stream, StreamClassifier? previous, int generation, LaneRound? round)
    {
        var planner = Volatile.Read(ref _planner);
        previous?.Leave();
        var classifier = new StreamClassifier(stream, planner(stream.SourceName, stream.Name), Counters, _log, previous?.T ?? 0, generation, round);
        stream.ClassifierState = classifier;
        lock (_classifiers) _classifiers.Add(classifier);
        return classifier;
    }

    private ClassificationBatch RentEvents()
    {
        var b = _eventPool.Rent();
        b.Clear();
        return b;
    }

    private async Task SinkStageAsync()
    {
        var formatter = new JsonLineFormatter(_options.Scores);
        var lineEnds = new int[BatchCapacity];
        var reader = _output.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var events))
                {
                    long allocated = GC.GetAllocatedBytesForCurrentThread();
                    Write(formatter, events, lineEnds, flush: reader.Count == 0);
                    _eventPool.Return(events);
                    Counters.AddStageAllocation(allocated);
                }
            }
        }
        finally
        {
            foreach (var sink in _sinks) sink.Flush();
            foreach (var sink in _sinks) sink.Close();
        }
    }

    private void Write(JsonLineFormatter formatter, ClassificationBatch events, int[] lineEnds, bool flush)
    {
        var lines = formatter.Format(events, lineEnds);
        var block = new OutputBlock(lines.Span, lineEnds.AsSpan(0, events.Count), events);
        // Arrays and for loops: an interface enumerator here would allocate per batch.
        for (int s = 0; s < _sinks.Length; s++)
            if (!_sinks[s].Write(block)) Interlocked.Add(ref Counters.SinkErrors, 1);
        if (flush) for (int s = 0; s < _sinks.Length; s++) _sinks[s].Flush();
        Interlocked.Add(ref Counters.LinesWritten, events.Count);
        long now = Stopwatch.GetTimestamp();
        for (int i = 0; i < events.Count; i++) Counters.Latency.Record(now - events.ArrivalTicks[i]);
    }
}
