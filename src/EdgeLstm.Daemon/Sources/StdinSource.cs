namespace EdgeLstm.Daemon.Sources;

/// <summary>Standard input (a pipe from another program, or a recording piped in).</summary>
public sealed class StdinSource(string name, InputFormat format, DecoderOptionsTemplate decoding) : Source(name, format, decoding)
{
    /// <summary>Stdin ends at end of file: like a recording, the pipeline completes after it.</summary>
    public override bool IsFinite => true;
    public override Flow.FullMode DefaultFullMode => Flow.FullMode.Wait;

    public override Task RunAsync(SourceContext context, CancellationToken stop) =>
        Task.Factory.StartNew(async () =>
        {
            using var stdin = Console.OpenStandardInput();
            await new BytePump().RunAsync(new BlockingStreamInput(stdin), CreateDecoder(context, recording: false), context, neverDrop: false, null, stop).ConfigureAwait(false);
        }, stop, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
}
