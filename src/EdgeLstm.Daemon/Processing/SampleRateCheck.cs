using System.Diagnostics;
using EdgeLstm.Daemon.Counters;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Daemon.Processing;

/// <summary>
/// Warns once (logged and counted in <c>rate_warnings</c>) when a stream's rate over its first
/// 250 samples differs from the model's by more than 10%: the model then sees its patterns
/// stretched or squeezed in time. Recording time for recordings (none: no check), else the
/// samples' own time where they carry one, else their arrival.
/// </summary>
internal sealed class SampleRateCheck(StreamHandle stream, float modelRateHz, PipelineCounters counters, Action<string> log)
{
    private const int Samples = 250;
    private double _firstSeconds = double.NaN;
    private long _firstArrival, _count;

    public void Observe(SampleBatch batch, int i)
    {
        if (_count > Samples) return;
        double seconds = batch.RecordingSeconds[i];
        if (stream.Recording && double.IsNaN(seconds)) { _count = Samples + 1; return; }
        if (_count == 0)
        {
            _firstSeconds = seconds;
            _firstArrival = batch.ArrivalTicks[i];
        }
        if (++_count <= Samples) return;
        double elapsed = stream.Recording || !double.IsNaN(seconds) && !double.IsNaN(_firstSeconds)
            ? seconds - _firstSeconds
            : (batch.ArrivalTicks[i] - _firstArrival) / (double)Stopwatch.Frequency;
        if (elapsed <= 0 || modelRateHz <= 0) return;
        double measured = Samples / elapsed;
        if (Math.Abs(measured / modelRateHz - 1) > 0.1)
        {
            Interlocked.Increment(ref counters.RateWarnings);
            log($"stream '{stream.Name}': measured sample rate {measured:F1} Hz differs from the model's {modelRateHz:F1} Hz");
        }
    }
}
