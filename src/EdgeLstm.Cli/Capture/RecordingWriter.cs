using System.Globalization;
using System.Text;
using EdgeLstm.Daemon.Processing;
using EdgeLstm.Daemon.Samples;

namespace EdgeLstm.Cli.Capture;

/// <summary>
/// Writes the samples a live stream's classifier gets (after the channel map: model units) as a
/// recording in the one format (DESIGN.md section 5, docs/datasets.md): a header `time`, the
/// model's channel names, `label`; one row per sample. Values are shortest round-trip floats, so
/// `edgelstm replay` feeds the model the identical float32 inputs; `time` is the arrival time in
/// seconds since the Unix epoch (what the live run prints as `time`), written from integer ticks.
/// Each batch's rows are flushed when its last sample is written, so a signal or a crash keeps
/// everything already received. One stream per file: samples of other streams are left out.
/// </summary>
public sealed class RecordingWriter : ISampleTap, IDisposable
{
    private readonly FileStream _file;
    private readonly StreamWriter _writer;
    private readonly string? _wholeLabel;
    private readonly long _maxSamples;
    private readonly LabelTimeline? _timeline;
    private readonly Action<string> _log;
    private readonly StringBuilder _line = new();
    private readonly Dictionary<string, long> _perLabel = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _limit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private StreamHandle? _stream;
    private long _written, _otherStreams;
    private bool _disposed;

    /// <param name="file">The recording file, created by the caller.</param>
    /// <param name="wholeLabel">The label of every sample outside live segments (null: unlabelled).</param>
    /// <param name="maxSamples">Samples to write before the capture ends (0: no limit).</param>
    /// <param name="timeline">Live segments marked from the terminal; null without live labelling.</param>
    public RecordingWriter(FileStream file, string? wholeLabel, long maxSamples, LabelTimeline? timeline, Action<string> log)
    {
        _file = file;
        _writer = new StreamWriter(file, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        _wholeLabel = wholeLabel;
        _maxSamples = maxSamples;
        _timeline = timeline;
        _log = log;
    }

    /// <summary>Samples written so far (readable from any thread).</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Completes when the sample limit has been written.</summary>
    public Task LimitReached => _limit.Task;

    /// <summary>Samples written per label ("" for unlabelled).</summary>
    public IReadOnlyDictionary<string, long> PerLabel
    {
        get { lock (_perLabel) return new Dictionary<string, long>(_perLabel, StringComparer.Ordinal); }
    }

    /// <summary>Samples of further streams (other frame stream ids) that were left out.</summary>
    public long OtherStreams => Interlocked.Read(ref _otherStreams);

    public bool Sample(StreamClassifier classifier, long t, ReadOnlySpan<float> input, SampleBatch batch, int index)
    {
        if (_stream is null)
        {
            _stream = classifier.Stream;
            WriteHeader(classifier.InputNames);
        }
        else if (!ReferenceEquals(_stream, classifier.Stream))
        {
            if (Interlocked.Increment(ref _otherStreams) == 1)
                _log($"stream '{classifier.Stream.Name}' left out: a recording holds one stream ('{_stream.Name}')");
            return false;
        }
        if (_disposed || _maxSamples > 0 && _written >= _maxSamples) return false;

        string label = _timeline?.LabelAt(batch.ArrivalTicks[index]) ?? _wholeLabel ?? IncomingLabel(batch, index) ?? "";
        _line.Clear();
        AppendTime(_line, batch.WallTicks[index]);
        foreach (float v in input) _line.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
        _line.Append(',').Append(label).Append('\n');
        _writer.Write(_line);
        lock (_perLabel) _perLabel[label] = _perLabel.GetValueOrDefault(label) + 1;
        long written = Interlocked.Increment(ref _written);
        bool last = _maxSamples > 0 && written == _maxSamples;
        if (last || index == batch.Count - 1) _writer.Flush();
        if (last) _limit.TrySetResult();
        return true;
    }

    private void WriteHeader(IReadOnlyList<string> channels)
    {
        _writer.Write("time,");
        _writer.Write(string.Join(',', channels));
        _writer.Write(",label\n");
    }

    /// <summary>A label the source's own `label` column carried (a labelled recording piped in), if any.</summary>
    private static string? IncomingLabel(SampleBatch batch, int index)
    {
        int id = batch.Label[index];
        return id >= 0 ? batch.Layout[index].Labels[id] : null;
    }

    /// <summary>UTC DateTime ticks as seconds since the Unix epoch with six decimals, in integers (no binary rounding).</summary>
    public static void AppendTime(StringBuilder line, long utcTicks)
    {
        long micros = (utcTicks - DateTime.UnixEpoch.Ticks) / 10;
        long seconds = Math.DivRem(micros, 1_000_000, out long fraction);
        if (fraction < 0) { seconds--; fraction += 1_000_000; }
        line.Append(seconds.ToString(CultureInfo.InvariantCulture)).Append('.').Append(fraction.ToString("D6", CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _writer.Flush();
        _file.Flush(flushToDisk: true);
        _writer.Dispose();
    }
}
