using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using EdgeLstm.Daemon.Counters;

namespace EdgeLstm.Fleet;

/// <summary>
/// The fleet's one sending loop. Every node sends a message each P = M / rate seconds; node k's
/// m-th is due at t0 + m·P + k·P/N, so the N nodes' messages are spread evenly over each period
/// (slot s = m·N + k is due at s·P/N). The loop sleeps (1 ms at a time) until a slot is due and
/// sends every slot that is; a slot sent late is measured (lateness: send time minus due time), never skipped, so
/// the samples per node stay exact. Node k replays its recording from offset 997·k. A fleet more
/// than 10 s behind at the end of its duration stops and reports what it did not send.
/// </summary>
internal sealed class FleetRun(FleetOptions o, IReadOnlyList<NodeRecording> recordings)
{
    private readonly LatencyHistogram _lateness = new();
    private long _messages, _samples, _bytes, _unsent;

    /// <summary>How far past its duration a fleet that fell behind keeps sending before it gives up (and reports the messages it did not send).</summary>
    private const double GiveUpSeconds = 10;

    public async Task<int> RunAsync(TextWriter report, CancellationToken stop)
    {
        int clientsCount = o.Clients == 0 ? o.Nodes : Math.Min(o.Clients, o.Nodes);
        await using var clients = await FleetClients.ConnectAsync(o, clientsCount, stop).ConfigureAwait(false);
        var topics = Enumerable.Range(0, o.Nodes).Select(k => $"{o.TopicPrefix}/{o.NodePrefix}{k:D4}/imu").ToArray();
        var payloads = Enumerable.Range(0, o.Nodes).Select(k => new Payload(recordings[k % recordings.Count], o.Format == "json")).ToArray();

        double period = o.PerMessage / o.RateHz, slot = period / o.Nodes;
        long slots = (long)Math.Floor(o.DurationSeconds / period) * o.Nodes;
        var buffer = new ArrayBufferWriter<byte>(4096);
        var times = new double[o.PerMessage];
        var clock = Stopwatch.StartNew();
        double wall0 = (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;
        double nextProgress = 5;
        // The loop runs on its own thread: sleeping to the next slot must not wait for the thread pool.
        var loop = new Thread(() =>
        {
            for (long s = 0; s < slots && !stop.IsCancellationRequested;)
            {
                double due = s * slot, now = clock.Elapsed.TotalSeconds;
                if (now > o.DurationSeconds + GiveUpSeconds)
                {
                    _unsent = slots - s; // hopelessly behind: the machine cannot carry this fleet
                    break;
                }
                if (due > now)
                {
                    // A whole millisecond at least (a shorter sleep is a yield, and the loop would spin):
                    // slots closer together than that leave in bursts, each measured.
                    Thread.Sleep(1);
                    continue;
                }
                _lateness.Record((long)((now - due) * Stopwatch.Frequency));
                int node = (int)(s % o.Nodes);
                long m = s / o.Nodes, first = m * o.PerMessage + 997L * node;
                for (int j = 0; j < o.PerMessage; j++) times[j] = wall0 + due - (o.PerMessage - 1 - j) / o.RateHz;
                payloads[node].Write(buffer, m, first, times, header: o.Format == "text" && (o.HeaderEveryMessage || m == 0));
                clients.Publish(node, topics[node], buffer.WrittenSpan.ToArray());
                _messages++;
                _samples += o.PerMessage;
                _bytes += buffer.WrittenCount;
                s++;
                if (now >= nextProgress)
                {
                    Console.Error.WriteLine($"fleet: {now:F0} s, {_messages} messages, {_samples} samples, in flight {clients.InFlight}, failed {clients.Failed}, lateness p99 {_lateness.QuantileMicroseconds(0.99) / 1000:F1} ms");
                    nextProgress += 5;
                }
            }
        }) { IsBackground = true, Name = "fleet", Priority = ThreadPriority.AboveNormal };
        loop.Start();
        await Task.Run(loop.Join, CancellationToken.None).ConfigureAwait(false);
        double sending = clock.Elapsed.TotalSeconds;
        await clients.DrainAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        Report(report, clientsCount, sending, clients);
        return clients.Failed == 0 && clients.InFlight == 0 && _unsent == 0 ? 0 : 1;
    }

    private void Report(TextWriter report, int clientsCount, double seconds, FleetClients clients)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("nodes", o.Nodes);
            w.WriteNumber("clients", clientsCount);
            w.WriteNumber("rate_hz", o.RateHz);
            w.WriteNumber("per_message", o.PerMessage);
            w.WriteString("format", o.Format);
            w.WriteNumber("qos", o.Qos);
            w.WriteNumber("seconds", Math.Round(seconds, 3));
            w.WriteNumber("messages", _messages);
            w.WriteNumber("samples", _samples);
            w.WriteNumber("bytes", _bytes);
            w.WriteNumber("messages_unsent", _unsent);
            w.WriteNumber("messages_completed", clients.Completed);
            w.WriteNumber("messages_failed", clients.Failed);
            w.WriteNumber("messages_unfinished", clients.InFlight);
            if (clients.FirstFailure is { } failure) w.WriteString("first_failure", failure);
            w.WriteNumber("messages_per_second", seconds > 0 ? Math.Round(_messages / seconds, 1) : 0);
            w.WriteNumber("samples_per_second", seconds > 0 ? Math.Round(_samples / seconds, 1) : 0);
            w.WriteStartObject("lateness_ms");
            w.WriteNumber("p50", Math.Round(_lateness.QuantileMicroseconds(0.5) / 1000, 3));
            w.WriteNumber("p99", Math.Round(_lateness.QuantileMicroseconds(0.99) / 1000, 3));
            w.WriteNumber("max", Math.Round(_lateness.MaxMicroseconds / 1000, 3));
            w.WriteEndObject();
            w.WriteStartArray("recordings");
            foreach (var r in recordings) w.WriteStringValue(r.Path);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        report.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
