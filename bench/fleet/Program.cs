using EdgeLstm.Fleet;

// edgelstm-fleet: the simulated fleet of issue 17, item 5 (docs/benchmarks.md, "Gateway").
FleetOptions options;
List<NodeRecording> recordings;
try
{
    if (args is ["--help" or "-h"])
    {
        Console.WriteLine(FleetOptions.Usage);
        return 0;
    }
    options = FleetOptions.Parse(args);
    recordings = [.. (options.Recordings.Count > 0 ? options.Recordings : NodeRecording.Shipped()).Select(NodeRecording.Read)];
    if (recordings.Count == 0) throw new ArgumentException("--recording: no recording to replay");
}
catch (Exception e) when (e is ArgumentException or IOException or FormatException)
{
    Console.Error.WriteLine($"edgelstm-fleet: {e.Message}");
    return 2;
}

// SIGINT or SIGTERM end the sending early; what was sent is still drained and reported.
var stop = new CancellationTokenSource();
using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
try
{
    return await new FleetRun(options, recordings).RunAsync(Console.Out, stop.Token);
}
catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Adapter.MqttConnectingFailedException or OperationCanceledException)
{
    Console.Error.WriteLine($"edgelstm-fleet: broker {options.Host}:{options.Port}: {e.Message}");
    return 1;
}
