using System.Diagnostics;

namespace EdgeLstm.Daemon.Sources;

/// <summary>
/// Real-time pacing of a recording: a sample is released at its recording time (the `time`
/// column or frame timestamp, else its index over the sample rate) divided by the speed, measured
/// from the first sample. Targets are absolute, so timer jitter does not accumulate.
/// </summary>
public sealed class Pacer(double speed, double sampleRateHz)
{
    private long _start, _index;
    private double _first = double.NaN;

    public ValueTask WaitAsync(double recordingSeconds, CancellationToken cancellationToken)
    {
        double s = double.IsNaN(recordingSeconds) ? _index / (sampleRateHz > 0 ? sampleRateHz : 50) : recordingSeconds;
        _index++;
        if (double.IsNaN(_first))
        {
            _first = s;
            _start = Stopwatch.GetTimestamp();
            return ValueTask.CompletedTask;
        }
        double due = (s - _first) / speed - Stopwatch.GetElapsedTime(_start).TotalSeconds;
        return due >= 0.001 ? new ValueTask(Task.Delay(TimeSpan.FromSeconds(due), cancellationToken)) : ValueTask.CompletedTask;
    }
}
