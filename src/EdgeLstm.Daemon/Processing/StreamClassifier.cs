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
    private readonly IClassifierSession _session;
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
    {
        T = FirstT = firstT;
        Generation = generation;
        _stream = stream;
        _plan = plan;
        _counters = counters;
        _log = log;
        var model = plan.Model;
        _session = model.CreateSession(plan.Engine);
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

    /// <summary>Classifies sample <paramref name="i"/> of the batch; appends an event to <paramref name="output"/> when one is emitted.</summary>
    public void Process(SampleBatch batch, int i, ClassificationBatch output)
    {
        var layout = batch.Layout[i];
        if (!ReferenceEquals(layout, _layout)) Remap(layout);
        if (_map is null)
        {
            Interlocked.Increment(ref _counters.UnmappedSamples);
            return;
        }
        _map.Apply(batch.Row(i), _input);
        if (_plan.Tap is { } tap && !tap.Sample(this, T, _input, batch, i)) return;
        if (_reset.Before(batch, i, first: T == 0) is var cause and not ResetCause.None) Reset(cause);
        _rate.Observe(batch, i);

        bool decided = true;
        if (_window is null) _session.Step(_input);
        else if (decided = _window.Push(_input)) _window.Replay(_session);
        if (decided) _session.GetProbabilities(_probabilities);
        _reset.Stepped();

        long t = T++;
        if (decided && _detector.Update(_probabilities))
        {
            LastEmitted = _detector.Current;
            Emitted++;
            output.Add(_stream, t, batch.WallTicks[i], _stream.Recording && batch.WallTicks[i] == 0 ? batch.RecordingSeconds[i] : double.NaN, batch.ArrivalTicks[i], _detector.Current, _detector.CurrentScore, _detector.Smoothed, _labelNames);
        }
        _accuracy.Score(layout, batch.Label[i], LastEmitted);
    }

    private void Reset(ResetCause cause)
    {
        switch (cause)
        {
            case ResetCause.Gap: Interlocked.Increment(ref _counters.ResetsGap); break;
            case ResetCause.Drop: Interlocked.Increment(ref _counters.ResetsDrop); break;
            case ResetCause.Timeout: Interlocked.Increment(ref _counters.ResetsTimeout); break;
            default: Interlocked.Increment(ref _counters.ResetsEvery); break;
        }
        _session.Reset();
        _detector.Reset();
        _window?.Clear();
    }

    private void Remap(ColumnLayout layout)
    {
        _layout = layout;
        _map = ChannelMap.Build(layout, _inputNames, _inputs, _plan.Channels, out string? problem);
        _accuracy.Remapped();
        if (problem is not null) _log($"stream '{_stream.Name}': {problem}; its samples are not classified until the source's columns fit");
    }
}
