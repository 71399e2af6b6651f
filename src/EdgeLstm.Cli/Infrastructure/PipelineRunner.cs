using System.Diagnostics;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Service;

namespace EdgeLstm.Cli;

/// <summary>Runs a pipeline in the foreground until it completes or SIGINT/SIGTERM asks it to drain and stop.</summary>
public static class PipelineRunner
{
    /// <summary>The pipeline's own log lines (outages, reopens, warnings) are info.</summary>
    public static void Log(string message) => Logger.Info(message);

    /// <param name="attach">Optional service parts started after the pipeline and before READY=1 (status socket,
    /// metrics, reload), disposed after the drain.</param>
    public static int Run(Pipeline pipeline, bool summary, Func<PipelineSupervisor, IDisposable>? attach = null)
    {
        using var signal = new StopSignal();
        var clock = Stopwatch.StartNew();
        pipeline.Start();
        // systemd's notify protocol whenever NOTIFY_SOCKET is set (Type=notify, WatchdogSec=).
        using var supervisor = new PipelineSupervisor(pipeline, new ServiceNotifier());
        using var extras = attach?.Invoke(supervisor);
        supervisor.Start();
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
