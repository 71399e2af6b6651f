using System.Diagnostics;
using EdgeLstm.Daemon.Hosting;
using EdgeLstm.Daemon.Service;

namespace EdgeLstm.Cli;

/// <summary>Runs a pipeline in the foreground until it completes or SIGINT/SIGTERM asks it to drain and stop.</summary>
public static class PipelineRunner
{
    public static void Log(string message) => Console.Error.WriteLine($"edgelstm: {message}");

    public static int Run(Pipeline pipeline, bool summary)
    {
        using var signal = new StopSignal();
        var clock = Stopwatch.StartNew();
        pipeline.Start();
        // systemd's notify protocol whenever NOTIFY_SOCKET is set (Type=notify, WatchdogSec=).
        using var supervisor = new PipelineSupervisor(pipeline, new ServiceNotifier());
        int finished = Task.WaitAny(pipeline.Completion, signal.Task);
        supervisor.Stopping();
        if (finished == 1)
        {
            Log($"{signal.Task.Result}: draining the pipeline");
            pipeline.StopAsync().GetAwaiter().GetResult();
        }
        else pipeline.Completion.GetAwaiter().GetResult();
        double elapsed = clock.Elapsed.TotalSeconds;
        if (summary) Json.WriteLine(w => PipelineReport.WriteSummary(w, pipeline, elapsed));
        return ExitCodes.Success;
    }
}
