using System.Text.Json;
using EdgeLstm.Core;
using EdgeLstm.Core.Model;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Processing;

/// <summary>
/// One stream's classifier: its session (created on the stream's first sample) stepped over the
/// stream's mapped samples, and the event logic over its probabilities. The concepts around it
/// have their own files: <see cref="ChannelMap"/> (columns to inputs), <see cref="ResetPolicy"/>,
/// <see cref="WindowRing"/> (windowed models), <see cref="EventDetector"/>,
/// <see cref="SampleRateCheck"/> and <see cref="StreamAccuracy"/>. Owned by the classifier
/// stage's single thread.
/// </summary>
public sealed class StreamClassifier
{
    private readonly StreamHandle _stream;
    private readonly StreamPlan _plan;
    private readonly PipelineCounters _counters;
    private readonly Action<string> _log;
    private readonly IClassifierSession? _session; // stepping alone
    private readonly LaneGroup? _group;             // or on a lane of a group stepped together
    private readonly int _lane = -1;
    private readonly EventDetector _detector;
    private readonly ResetPolicy _reset;
    private readonly WindowRing? _window; // windowed models only
    private readonly SampleRateCheck _rate;
    private readonly StreamAccuracy _accuracy;
    private readonly JsonEncodedText[] _labelNames;
    private readonly IReadOnlyList<string> _inputNames;
    private readonly float[] _input, _probabilities;
    private readonly int _inputs;
    private ColumnLayout? _layout;
    private ChannelMap? _map;

    /// <param name="firstT">The stream's next sample index (non-zero when a reload replaces the stream's classifier).</param>
    /// <param name="generation">The pipeline's plan generation this classifier was made for.</param>
    public StreamClassifier(StreamHandle stream, StreamPlan plan, PipelineCounters counters, Action<string> log, long firstT = 0, int generation = 0)
        : this(stream, plan, counters, log, firstT, generation, round: null)
    {
    }

    /// <param name="round">The worker's batched stepping: the stream joins a lane group of its model where it can.</param>
    internal StreamClassifier(StreamHandle stream, StreamPlan plan, PipelineCounters counters, Action<string> log, long firstT, int generation, LaneRound? round)
    {
        T = FirstT = firstT;
        Generation = generation;
        _stream = stream;
        _plan = plan;
        _counters = counters;
        _log = log;
        var model = plan.Model;
        if (round is not null && round.TryJoin(plan, out var group, out int lane)) (_group, _lane) = (group, lane);
        else _session = model.CreateSession(plan.Engine);
        _inputs = model.InputSize;
        _input = new float[_inputs];
        _probabilities = new float[model.OutputSize];
        var labels = model.Metadata.Labels.Count == model.OutputSize ? model.Metadata.Labels : Enumerable.Range(0, model.OutputSize).Select(i => $"class{i}").ToList();
        Labels = labels;
        _labelNames = labels.Select(l => JsonEncodedText.Encode(l, Sinks.JsonLineFormatter.Encoder)).ToArray();
        _inputNames = Enumerable.Range(0, _inputs).Select(k => k < model.Metadata.Channels.Count ? model.Metadata.Channels[k].Name : $"ch{k}").ToList();
        _detector = new EventDetector(plan.Events, model.OutputSize);
        _reset = new ResetPolicy(plan.Reset, stream);
        if (WindowSchedule.Of(model.Metadata) is { } schedule) _window = new WindowRing(schedule, _inputs);
        _rate = new SampleRateCheck(stream, model.Metadata.SampleRateHz, counters, log);
        _accuracy = new StreamAccuracy(labels);
        Interlocked.Increment(ref counters.Sessions);
    }

    public StreamHandle Stream => _stream;
    public string ModelName => _plan.ModelName;
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The plan generation (<see cref="Flow.Pipeline.Replan"/>) this classifier belongs to.</summary>
    public int Generation { get; }

    /// <summary>The stream's sample index this classifier started at.</summary>
    public long FirstT { get; }

    /// <summary>The model's input channel names (ch0, ch1... where the model names none), in input order.</summary>
    public IReadOnlyList<string> InputNames => _inputNames;

    /// <summary>The stream's samples classified so far: the next sample's `t`.</summary>
    public long T { get; private set; }

    public long Emitted { get; private set; }

    /// <summary>The label most recently emitted (what a sample is predicted as), -1 before the first.</summary>
    public int LastEmitted { get; private set; } = -1;

    /// <summary>Labelled samples whose label is one of the model's classes, and how many were predicted right.</summary>
    public long Scored => _accuracy.Scored;
    public long Correct => _accuracy.Correct;

    /// <summary>Whether the stream steps on a lane of a group (<see cref="Stage"/>), not alone (<see cref="Process"/>).</summary>
    public bool Batched => _group is not null;

    /// <summary>Samples staged and not yet finished (<see cref="FinishStaged"/>).</summary>
    internal int Pending { get; private set; }

    /// <summary>The lane's group and lane; null and -1 when the stream steps alone.</summary>
    internal LaneGroup? Group => _group;
    internal int Lane => _lane;

    /// <summary>Gives the lane back (the classifier is replaced).</summary>
    internal void Leave() => _group?.Return(_lane);

    internal enum Work { None, Undecided, Step, Window }

    /// <summary>Classifies sample <paramref name="i"/> of the batch; appends an event to <paramref name="output"/> when one is emitted.</summary>
    public void Process(SampleBatch batch, int i, ClassificationBatch output)
    {
        var work = Prepare(batch, i, out bool reset);
        if (work == Work.None) return;
        if (reset)
        {
            _session!.Reset();
            _detector.Reset();
        }
        if (work == Work.Step) _session!.Step(_input);
        else if (work == Work.Window) _window!.Replay(_session!);
        Finish(batch, i, output, decided: work != Work.Undecided);
    }

    /// <summary>
    /// Sample i of the batch up to its step, for <see cref="LaneRound"/>: the work it needs (its
    /// sample or window staged in the lane's group at <paramref name="level"/>, the lane's depth in
    /// the round), and whether the lane and the event logic restart before it (done in the round's
    /// order, since the stream's earlier samples may not have stepped yet).
    /// </summary>
    internal Work Stage(SampleBatch batch, int i, out bool reset, out int level)
    {
        var work = Prepare(batch, i, out reset);
        level = _group!.Depth(_lane);
        switch (work)
        {
            case Work.Step:
                _input.CopyTo(_group.StageStep(_lane, reset));
                break;
            case Work.Window:
                _window!.CopyTo(_group.StageWindow(_lane));
                break;
            case Work.Undecided:
                level = Math.Max(level - 1, 0); // after the window staged last, before the next
                break;
            default:
                return work;
        }
        Pending++;
        return work;
    }

    /// <summary>A staged sample, after its level stepped: the event logic's restart, probabilities, events, accuracy.</summary>
    internal void FinishStaged(SampleBatch batch, int i, ClassificationBatch output, Work work, bool reset)
    {
        Pending--;
        if (reset) _detector.Reset();
        Finish(batch, i, output, decided: work != Work.Undecided);
    }

    /// <summary>
    /// Everything before the step: the channel map, the tap, the reset policy (counted; the window
    /// cleared; the session and event logic restarted by the caller when <paramref name="reset"/>),
    /// the rate check, the window. Samples staged and not yet finished count as taken.
    /// </summary>
    private Work Prepare(SampleBatch batch, int i, out bool reset)
    {
        reset = false;
        var layout = batch.Layout[i];
        if (!ReferenceEquals(layout, _layout)) Remap(layout);
        if (_map is null)
        {
            Interlocked.Increment(ref _counters.UnmappedSamples);
            return Work.None;
        }
        _map.Apply(batch.Row(i), _input);
        long taken = T + Pending;
        if (_plan.Tap is { } tap && !tap.Sample(this, taken, _input, batch, i)) return Work.None;
        if (_reset.Before(batch, i, first: taken == 0) is var cause and not ResetCause.None)
        {
            Count(cause);
            _window?.Clear();
            reset = true;
        }
        _reset.Stepped();
        _rate.Observe(batch, i);
        if (_window is null) return Work.Step;
        return _window.Push(_input) ? Work.Window : Work.Undecided;
    }

    private void Finish(SampleBatch batch, int i, ClassificationBatch output, bool decided)
    {
        if (decided)
        {
            if (_group is not null) _group.Session.GetProbabilities(_lane, _probabilities);
            else _session!.GetProbabilities(_probabilities);
        }
        long t = T++;
        if (decided && _detector.Update(_probabilities))
        {
            LastEmitted = _detector.Current;
            Emitted++;
            output.Add(_stream, t, batch.WallTicks[i], _stream.Recording && batch.WallTicks[i] == 0 ? batch.RecordingSeconds[i] : double.NaN, batch.ArrivalTicks[i], _detector.Current, _detector.CurrentScore, _detector.Smoothed, _labelNames);
        }
        _accuracy.Score(batch.Layout[i], batch.Label[i], LastEmitted);
    }

    private void Count(ResetCause cause)
    {
        switch (cause)
        {
            case ResetCause.Gap: Interlocked.Increment(ref _counters.ResetsGap); break;
            case ResetCause.Drop: Interlocked.Increment(ref _counters.ResetsDrop); break;
            case ResetCause.Timeout: Interlocked.Increment(ref _counters.ResetsTimeout); break;
            default: Interlocked.Increment(ref _counters.ResetsEvery); break;
        }
    }

    private void Remap(ColumnLayout layout)
    {
        _layout = layout;
        _map = ChannelMap.Build(layout, _inputNames, _inputs, _plan.Channels, out string? problem);
        _accuracy.Remapped();
        if (problem is not null) _log($"stream '{_stream.Name}': {problem}; its samples are not classified until the source's columns fit");
    }
}
