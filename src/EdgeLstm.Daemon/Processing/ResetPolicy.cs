using System.Diagnostics;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Processing;

/// <summary>Why a stream's state restarts before a sample (each counted under its own name).</summary>
internal enum ResetCause { None, Gap, Drop, Timeout, Every }

/// <summary>
/// A stream's reset policy (<see cref="ResetSettings"/>) over its samples, checked before each
/// one is classified, in this order: a frame sequence number that skips (<c>onGap</c>); samples of
/// this stream dropped at a full queue since the last one (also <c>onGap</c>: a gap as much as a
/// lost frame); a silence longer than <c>timeoutMs</c> (recording time for recordings, arrival
/// time for live sources); <c>everySteps</c> steps since the last reset.
/// </summary>
internal sealed class ResetPolicy(ResetSettings settings, StreamHandle stream)
{
    private readonly long _timeoutTicks = (long)(settings.Timeout.TotalSeconds * Stopwatch.Frequency);
    private readonly double _timeoutSeconds = settings.Timeout.TotalSeconds;
    private long _lastSequence = -1, _lastArrival, _stepsSinceReset, _gapHandled;
    private double _lastSeconds = double.NaN;

    /// <summary>Whether sample <paramref name="i"/> starts over, and why; <paramref name="first"/> for the stream's first sample (nothing to reset).</summary>
    public ResetCause Before(SampleBatch batch, int i, bool first)
    {
        long sequence = batch.Sequence[i];
        double seconds = batch.RecordingSeconds[i];
        long arrival = batch.ArrivalTicks[i];
        long dropped = stream.DroppedUpTo;
        var cause = ResetCause.None;
        if (!first)
        {
            if (settings.OnGap && sequence >= 0 && _lastSequence >= 0 && sequence != (uint)(_lastSequence + 1)) cause = ResetCause.Gap;
            else if (settings.OnGap && dropped > _gapHandled && arrival >= dropped) cause = ResetCause.Drop;
            else if (_timeoutSeconds > 0 && (stream.Recording
                         ? !double.IsNaN(seconds) && !double.IsNaN(_lastSeconds) && seconds - _lastSeconds > _timeoutSeconds
                         : arrival - _lastArrival > _timeoutTicks)) cause = ResetCause.Timeout;
            else if (settings.EverySteps > 0 && _stepsSinceReset >= settings.EverySteps) cause = ResetCause.Every;
        }
        if (cause != ResetCause.None) _stepsSinceReset = 0;
        if (arrival >= dropped) _gapHandled = dropped;
        _lastSequence = sequence;
        _lastSeconds = seconds;
        _lastArrival = arrival;
        return cause;
    }

    /// <summary>The sample was stepped.</summary>
    public void Stepped() => _stepsSinceReset++;
}
