namespace EdgeLstm.Daemon.Sources;

/// <summary>
/// A recording (replay, or a file in the configuration): read to its end with backpressure and
/// never a drop, paced in real time at <c>speed</c> (null: as fast as the pipeline goes). The path
/// <see cref="StandardInput"/> ("-") reads a recording piped in (`replay -`).
/// </summary>
public sealed class FileSource(string name, string path, InputFormat format, DecoderOptionsTemplate decoding, double? speed, double sampleRateHz)
    : Source(name, format, decoding)
{
    /// <summary>The path that stands for standard input.</summary>
    public const string StandardInput = "-";

    public string Path { get; } = path;
    public override bool IsFinite => true;
    public override Flow.FullMode DefaultFullMode => Flow.FullMode.Wait;

    public override Task RunAsync(SourceContext context, CancellationToken stop)
    {
        var pacer = speed is { } s ? new Pacer(s, sampleRateHz) : null;
        if (Path != StandardInput) return ReadFileAsync(context, pacer, stop);
        // A blocked read of a pipe cannot be cancelled: its own thread, as for the stdin source.
        return Task.Factory.StartNew(async () =>
        {
            using var stdin = Console.OpenStandardInput();
            await new BytePump().RunAsync(new BlockingStreamInput(stdin), CreateDecoder(context, recording: true), context, neverDrop: true, pacer, stop).ConfigureAwait(false);
        }, stop, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    private async Task ReadFileAsync(SourceContext context, Pacer? pacer, CancellationToken stop)
    {
        using var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        await new BytePump().RunAsync(new FileInput(handle), CreateDecoder(context, recording: true), context, neverDrop: true, pacer, stop).ConfigureAwait(false);
    }
}
