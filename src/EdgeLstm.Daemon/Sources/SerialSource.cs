using System.IO.Ports;

namespace EdgeLstm.Daemon.Sources;

/// <summary>
/// A serial port (System.IO.Ports). The device may vanish (unplugged, the pty deleted) and come
/// back: every loss is counted as an outage, the port is reopened with exponential backoff, and the
/// stream resumes with its sample index continuing. A partial line at the loss is discarded. A
/// device absent at the start is one not plugged in yet: said once in the log, and the source is
/// down for health (<see cref="SourceContext.SetDown"/>) until it opens.
/// </summary>
public sealed class SerialSource(string name, string path, SerialSettings settings, InputFormat format, DecoderOptionsTemplate decoding,
                                 TimeSpan minBackoff, TimeSpan maxBackoff) : Source(name, format, decoding)
{
    /// <summary>A device absent at start is unhealthy from the first /health answer on, not only after the first open failed.</summary>
    public override void Prepare(SourceContext context)
    {
        if (!File.Exists(path)) context.SetDown($"{path} absent");
    }

    public override async Task RunAsync(SourceContext context, CancellationToken stop)
    {
        var decoder = CreateDecoder(context, recording: false);
        var pump = new BytePump();
        var backoff = new Flow.Backoff(minBackoff, maxBackoff);
        bool everOpened = false, inOutage = false;
        while (!stop.IsCancellationRequested)
        {
            SerialPort port;
            try
            {
                port = settings.Open(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                bool absent = !File.Exists(path) || e.Message.EndsWith("no such device", StringComparison.Ordinal);
                context.SetDown(absent ? $"{path} absent" : $"{path} cannot be opened ({e.Message})");
                if (!inOutage)
                {
                    context.Log(everOpened
                        ? $"source '{Name}': cannot open {path}: {e.Message}; retrying with backoff"
                        : absent
                            ? $"source '{Name}': {path} absent (not plugged in yet?); waiting for it, unhealthy until it appears"
                            : $"source '{Name}': cannot open {path}: {e.Message}; retrying with backoff, unhealthy until it opens");
                    if (everOpened) Interlocked.Increment(ref context.Counters.SourceOutages);
                    inOutage = true;
                }
                try { await Task.Delay(backoff.Next(), stop).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
                continue;
            }
            if (everOpened)
            {
                Interlocked.Increment(ref context.Counters.SourceReopens);
                context.Log($"source '{Name}': {path} reopened");
            }
            else context.Log($"source '{Name}': {path} open at {settings.Baud} baud");
            everOpened = true;
            inOutage = false;
            context.SetUp();
            backoff.Succeeded();
            using (port)
            using (stop.Register(() => { try { port.Close(); } catch (IOException) { } }))
            {
                try
                {
                    await pump.RunAsync(new StreamInput(port.BaseStream), decoder, context, neverDrop: false, null, stop).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException or ObjectDisposedException or UnauthorizedAccessException)
                {
                    if (stop.IsCancellationRequested) return;
                    context.Log($"source '{Name}': {path} lost: {e.Message}");
                }
            }
            if (stop.IsCancellationRequested) return;
            // End of input or an error: the device is gone (or hung up). Count the outage once.
            Interlocked.Increment(ref context.Counters.SourceOutages);
            context.SetDown($"{path} lost");
            inOutage = true;
            decoder.DiscardPartial();
            try { await Task.Delay(backoff.Next(), stop).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
        }
    }
}
