namespace EdgeLstm.Daemon.Sources;

/// <summary>
/// A recording (replay, or a file in the configuration): read to its end with backpressure and
/// never a drop, paced in real time at <c>speed</c> (null: as fast as the pipeline goes).
/// </summary>
public sealed class FileSource(string name, string path, InputFormat format, DecoderOptionsTemplate decoding, double? speed, double sampleRateHz)
    : Source(name, format, decoding)
{
    public string Path { get; } = path;
    public override bool IsFinite => true;
    public override Hosting.FullMode DefaultFullMode => Hosting.FullMode.Wait;

    public override async Task RunAsync(SourceContext context, CancellationToken stop)
    {
        using var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var pacer = speed is { } s ? new Pacer(s, sampleRateHz) : null;
        await new BytePump().RunAsync(new FileInput(handle), CreateDecoder(context, recording: true), context, neverDrop: true, pacer, stop).ConfigureAwait(false);
    }
}

/// <summary>Standard input (a pipe from another program, or a recording piped in).</summary>
public sealed class StdinSource(string name, InputFormat format, DecoderOptionsTemplate decoding) : Source(name, format, decoding)
{
    /// <summary>Stdin ends at end of file: like a recording, the pipeline completes after it.</summary>
    public override bool IsFinite => true;
    public override Hosting.FullMode DefaultFullMode => Hosting.FullMode.Wait;

    public override Task RunAsync(SourceContext context, CancellationToken stop) =>
        Task.Factory.StartNew(async () =>
        {
            using var stdin = Console.OpenStandardInput();
            await new BytePump().RunAsync(new BlockingStreamInput(stdin), CreateDecoder(context, recording: false), context, neverDrop: false, null, stop).ConfigureAwait(false);
        }, stop, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
}
