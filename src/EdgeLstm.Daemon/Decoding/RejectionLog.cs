using System.Globalization;
using System.Text;
using EdgeLstm.Daemon.Counters;

namespace EdgeLstm.Daemon.Decoding;

/// <summary>
/// Makes a source's rejections visible without flooding the log: the first rejection of each
/// reason is logged with the offending record (cut short) and what was expected; after that, a
/// summary of what was rejected since is logged at most once per <see cref="SummaryInterval"/>
/// (at the next rejection after it, at the service's periodic <see cref="SummarizeIfDue"/> so that a
/// burst of garbage followed by silence is still summarized within the interval, or when the
/// source's input ends). One per source, shared by its connections, so it locks; rejections only,
/// never the accepted path.
/// </summary>
/// <param name="summaryInterval">At most one summary per this interval (default <see cref="SummaryInterval"/>).</param>
public sealed class RejectionLog(string source, Action<string> log, TimeSpan? summaryInterval = null)
{
    /// <summary>Longest excerpt of a rejected record in the log.</summary>
    public const int ExcerptLength = 48;

    public static readonly TimeSpan SummaryInterval = TimeSpan.FromSeconds(60);

    private readonly bool[] _logged = new bool[RejectReasons.Count];
    private readonly long[] _since = new long[RejectReasons.Count];
    private long _lastSummary = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Records a rejection; <paramref name="expected"/> builds the explanation (called only when the line is logged).</summary>
    public void Rejected<TState>(RejectReason reason, ReadOnlySpan<byte> record, TState state, Func<TState, string> expected)
    {
        lock (_logged)
        {
            if (!_logged[(int)reason])
            {
                _logged[(int)reason] = true;
                string detail = expected(state);
                log($"source '{source}': rejected {(record.IsEmpty ? "input" : Excerpt(record))} ({RejectReasons.Names[(int)reason]}){(detail.Length > 0 ? ": " + detail : "")}; further rejections are summarized");
                return;
            }
            _since[(int)reason]++;
            if (System.Diagnostics.Stopwatch.GetElapsedTime(_lastSummary) >= (summaryInterval ?? SummaryInterval)) Summarize();
        }
    }

    /// <summary>Records a rejection whose reason says it all.</summary>
    public void Rejected(RejectReason reason, ReadOnlySpan<byte> record) => Rejected(reason, record, 0, static _ => "");

    /// <summary>Logs what was rejected since the last line when the interval has passed (the service's periodic tick).</summary>
    public void SummarizeIfDue()
    {
        lock (_logged)
            if (System.Diagnostics.Stopwatch.GetElapsedTime(_lastSummary) >= (summaryInterval ?? SummaryInterval)) Summarize();
    }

    /// <summary>Logs what was rejected since the last line, if anything (the input ended, or the interval passed).</summary>
    public void Flush()
    {
        lock (_logged) Summarize();
    }

    private void Summarize()
    {
        _lastSummary = System.Diagnostics.Stopwatch.GetTimestamp();
        long total = 0;
        foreach (long n in _since) total += n;
        if (total == 0) return;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"source '{source}': {total} more rejected (");
        for (int i = 0, listed = 0; i < _since.Length; i++)
        {
            if (_since[i] == 0) continue;
            if (listed++ > 0) text.Append(", ");
            text.Append(RejectReasons.Names[i]).Append(' ').Append(_since[i].ToString(CultureInfo.InvariantCulture));
        }
        text.Append(')');
        Array.Clear(_since);
        log(text.ToString());
    }

    /// <summary>The record as printable text in quotes, cut to <see cref="ExcerptLength"/> bytes; other bytes as \xNN.</summary>
    public static string Excerpt(ReadOnlySpan<byte> record)
    {
        if (record.IsEmpty) return "empty record";
        var text = new StringBuilder("\"");
        int n = Math.Min(record.Length, ExcerptLength);
        for (int i = 0; i < n; i++)
        {
            byte b = record[i];
            if (b is >= 0x20 and < 0x7F && b != (byte)'"' && b != (byte)'\\') text.Append((char)b);
            else text.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}");
        }
        text.Append('"');
        if (record.Length > n) text.Append(CultureInfo.InvariantCulture, $"... ({record.Length} bytes)");
        return text.ToString();
    }
}
