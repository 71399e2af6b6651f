using System.Diagnostics;
using System.Text.Json;
using EdgeLstm.Core;
using EdgeLstm.Core.Model;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Processing;

/// <summary>
/// One stream's classifier: its session (created on the stream's first sample), channel map,
/// reset policy, windowing for windowed models, event logic, sample-rate check, and per-sample
/// accuracy against the recording's labels. Owned by the classifier stage's single thread.
/// </summary>
public sealed class StreamClassifier
{
    private const int RateSamples = 250;
    private readonly StreamHandle _stream;
    private readonly StreamPlan _plan;
    private readonly PipelineCounters _counters;
    private readonly Action<string> _log;
    private readonly IClassifierSession _session;
    private readonly EventDetector _detector;
    private readonly JsonEncodedText[] _labelNames;
    private readonly IReadOnlyList<string> _inputNames;
    private readonly float[] _input, _probabilities;
    private readonly int _inputs;
    private readonly long _timeoutTicks;
    private readonly double _timeoutSeconds;

    // Windowed models: the last Window mapped samples in a ring.
    private readonly float[]? _window;
    private readonly int _windowLength, _hop;
    private int _filled, _ringStart, _sinceHop;

    private ColumnLayout? _layout;
    private ChannelMap? _map;
    private readonly int[] _labelClass = new int[LabelTable.MaxLabels];
    private long _lastSequence = -1, _lastArrival, _stepsSinceReset, _gapHandled;
    private double _lastSeconds = double.NaN, _firstRateSeconds = double.NaN;
    private long _firstRateArrival, _rateCount;

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
        _timeoutTicks = (long)(plan.Reset.Timeout.TotalSeconds * Stopwatch.Frequency);
        _timeoutSeconds = plan.Reset.Timeout.TotalSeconds;
        if (model.Metadata.Mode == ClassificationMode.Windowed && model.Metadata.Window > 0)
        {
            _windowLength = model.Metadata.Window;
            _hop = Math.Max(1, model.Metadata.Hop);
            _window = new float[_windowLength * _inputs];
        }
        Array.Fill(_labelClass, -2);
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
    public long Scored { get; private set; }
    public long Correct { get; private set; }

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
        ApplyResetPolicy(batch, i);
        CheckRate(batch, i);

        bool decided;
        if (_window is null)
        {
            _session.Step(_input);
            _session.GetProbabilities(_probabilities);
            decided = true;
        }
        else decided = WindowStep();
        _stepsSinceReset++;

        long t = T++;
        if (decided && _detector.Update(_probabilities))
        {
            LastEmitted = _detector.Current;
            Emitted++;
            output.Add(_stream, t, batch.WallTicks[i], _stream.Recording && batch.WallTicks[i] == 0 ? batch.RecordingSeconds[i] : double.NaN, batch.ArrivalTicks[i], _detector.Current, _detector.CurrentScore, _detector.Smoothed, _labelNames);
        }
        Score(layout, batch.Label[i]);
    }

    private bool WindowStep()
    {
        int slot = (_ringStart + _filled) % _windowLength;
        if (_filled == _windowLength)
        {
            slot = _ringStart;
            _ringStart = (_ringStart + 1) % _windowLength;
        }
        else _filled++;
        _input.CopyTo(_window.AsSpan(slot * _inputs, _inputs));
        if (++_sinceHop < _hop || _filled < _windowLength) return false;
        _sinceHop = 0;
        _session.Reset();
        for (int k = 0; k < _windowLength; k++)
            _session.Step(_window.AsSpan((_ringStart + k) % _windowLength * _inputs, _inputs));
        _session.GetProbabilities(_probabilities);
        return true;
    }

    private void ApplyResetPolicy(SampleBatch batch, int i)
    {
        var reset = _plan.Reset;
        long sequence = batch.Sequence[i];
        double seconds = batch.RecordingSeconds[i];
        long arrival = batch.ArrivalTicks[i];
        long dropped = _stream.DroppedUpTo;
        if (T > 0)
        {
            if (reset.OnGap && sequence >= 0 && _lastSequence >= 0 && sequence != (uint)(_lastSequence + 1))
                Reset(ref _counters.ResetsGap);
            else if (reset.OnGap && dropped > _gapHandled && arrival >= dropped)
                Reset(ref _counters.ResetsDrop); // a full queue dropped samples of this stream: a gap as much as a lost frame
            else if (_timeoutSeconds > 0 && (_stream.Recording
                         ? !double.IsNaN(seconds) && !double.IsNaN(_lastSeconds) && seconds - _lastSeconds > _timeoutSeconds
                         : arrival - _lastArrival > _timeoutTicks))
                Reset(ref _counters.ResetsTimeout);
            else if (reset.EverySteps > 0 && _stepsSinceReset >= reset.EverySteps)
                Reset(ref _counters.ResetsEvery);
        }
        if (arrival >= dropped) _gapHandled = dropped;
        _lastSequence = sequence;
        _lastSeconds = seconds;
        _lastArrival = arrival;
    }

    private void Reset(ref long counter)
    {
        Interlocked.Increment(ref counter);
        _session.Reset();
        _detector.Reset();
        _filled = _ringStart = _sinceHop = 0;
        _stepsSinceReset = 0;
    }

    private void Remap(ColumnLayout layout)
    {
        _layout = layout;
        _map = ChannelMap.Build(layout, _inputNames, _inputs, _plan.Channels, out string? problem);
        Array.Fill(_labelClass, -2);
        if (problem is not null) _log($"stream '{_stream.Name}': {problem}; its samples are not classified until the source's columns fit");
    }

    private void Score(ColumnLayout layout, int labelId)
    {
        if (labelId < 0) return;
        int cls = _labelClass[labelId];
        if (cls == -2)
        {
            string name = layout.Labels[labelId];
            cls = -1;
            for (int k = 0; k < Labels.Count; k++) if (string.Equals(Labels[k], name, StringComparison.OrdinalIgnoreCase)) cls = k;
            _labelClass[labelId] = cls;
        }
        if (cls < 0) return; // not one of the model's classes (a transition, say): not scored
        Scored++;
        if (LastEmitted == cls) Correct++;
    }

    /// <summary>Warns once when the measured rate over the first samples differs from the model's by more than 10%.</summary>
    private void CheckRate(SampleBatch batch, int i)
    {
        if (_rateCount > RateSamples) return;
        double seconds = batch.RecordingSeconds[i];
        if (_stream.Recording && double.IsNaN(seconds)) { _rateCount = RateSamples + 1; return; }
        if (_rateCount == 0)
        {
            _firstRateSeconds = seconds;
            _firstRateArrival = batch.ArrivalTicks[i];
        }
        if (++_rateCount <= RateSamples) return;
        double elapsed = _stream.Recording || !double.IsNaN(seconds) && !double.IsNaN(_firstRateSeconds)
            ? seconds - _firstRateSeconds
            : (batch.ArrivalTicks[i] - _firstRateArrival) / (double)Stopwatch.Frequency;
        float modelRate = _plan.Model.Metadata.SampleRateHz;
        if (elapsed <= 0 || modelRate <= 0) return;
        double measured = RateSamples / elapsed;
        if (Math.Abs(measured / modelRate - 1) > 0.1)
        {
            Interlocked.Increment(ref _counters.RateWarnings);
            _log($"stream '{_stream.Name}': measured sample rate {measured:F1} Hz differs from the model's {modelRate:F1} Hz");
        }
    }
}
