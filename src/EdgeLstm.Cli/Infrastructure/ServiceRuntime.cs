using System.Diagnostics;
using EdgeLstm.Core.Model;
using EdgeLstm.Daemon.Configuration;
using EdgeLstm.Daemon.Flow;
using EdgeLstm.Daemon.Service;
using EdgeLstm.Daemon.Sources;

namespace EdgeLstm.Cli;

/// <summary>
/// What `run` adds around its pipeline: the status socket (`edgelstm status`), the optional
/// Prometheus /metrics and /health endpoint, staleness health, and SIGHUP reload of models,
/// stream rules, channel maps and log level. A reload that fails (bad JSON, invalid option,
/// unreadable model) changes nothing and logs one error line.
/// </summary>
public sealed class ServiceRuntime : IDisposable
{
    private readonly FileInfo? _file;
    private readonly DaemonConfig _running;
    private readonly Pipeline _pipeline;
    private readonly bool _levelFromCommandLine;
    private readonly HealthCheck _health;
    private readonly Stopwatch _uptime = Stopwatch.StartNew();
    private readonly List<IDisposable> _parts = [];
    private PipelineSupervisor? _supervisor;

    /// <param name="file">The configuration file (what SIGHUP reloads); null for `run SOURCE`.</param>
    public ServiceRuntime(FileInfo? file, DaemonConfig running, Pipeline pipeline, bool levelFromCommandLine)
    {
        _file = file;
        _running = running;
        _pipeline = pipeline;
        _levelFromCommandLine = levelFromCommandLine;
        _health = new HealthCheck(pipeline, [.. running.Sources.Select(s => TimeSpan.FromMilliseconds(s.StaleAfterMs))]);
    }

    /// <summary>Loads a model named in the configuration: paths relative to the configuration file, null the embedded default.</summary>
    public static Func<string?, EdgeModel> ModelLoader(FileInfo file) =>
        path => ModelSource.Load(path is null ? null : new FileInfo(Path.Combine(file.DirectoryName ?? ".", path)));

    /// <summary>
    /// Takes everything the service must hold before it runs: the listening sources' ports, the
    /// status socket and the metrics port. Any of them refused ends the start with one
    /// <see cref="StartupException"/> line naming the option (exit 2, before READY=1).
    /// </summary>
    public void Open()
    {
        SourceBinding.BindAll(_pipeline.Sources);
        var service = _running.Service;
        if ((service.StatusSocket ?? StatusSocket.DefaultPath) is { } socketPath)
        {
            var socket = new StatusSocket(socketPath, () => ServiceReport.Status(_pipeline, _health, _uptime.Elapsed.TotalSeconds));
            _parts.Add(socket);
            socket.Start();
            Logger.Debug($"status socket at {socketPath}");
        }
        if (service.Metrics.Enabled)
        {
            var endpoint = new MetricsEndpoint(service.Metrics.Bind, service.Metrics.Port,
                () => ServiceReport.Prometheus(_pipeline, _health, _uptime.Elapsed.TotalSeconds), _health.Check, m => Logger.Warning(m));
            _parts.Add(endpoint);
            endpoint.Start();
            Logger.Info($"metrics at http://{service.Metrics.Bind}:{service.Metrics.Port}/metrics and /health");
        }
    }

    /// <summary>Starts the reload signal (after <see cref="Open"/>); what it returns is disposed after the drain.</summary>
    public IDisposable Start(PipelineSupervisor supervisor)
    {
        _supervisor = supervisor;
        _health.Stalls = supervisor.Stalls;
        _parts.Add(new ReloadSignal(Reload));
        return this;
    }

    private void Reload()
    {
        if (_file is null)
        {
            Logger.Warning("SIGHUP: nothing to reload: this run classifies a SOURCE without a configuration file");
            return;
        }
        _supervisor?.Reloading();
        try
        {
            var config = ConfigReader.Read(_file.FullName);
            var blueprint = PipelineFactory.Validate(config, ModelLoader(_file), _file.DirectoryName);
            _pipeline.Replan(blueprint.Planner);
            if (!_levelFromCommandLine && Logger.TryParse(config.Service.LogLevel, out var level)) Logger.Level = level;
            Logger.Info($"SIGHUP: reloaded {_file.Name} (reload {_pipeline.Generation}): models {string.Join(", ", blueprint.ModelNames)} and stream rules in use; " +
                        "each stream restarts its recurrent state at its next sample, its sample index continues");
            var later = ConfigSections.NeedingRestart(_running, config);
            if (later.Count > 0) Logger.Warning($"SIGHUP: changes to {string.Join(", ", later)} take effect at the next restart");
        }
        catch (Exception e) when (e is ConfigException or ModelException or IOException or UnauthorizedAccessException or UsageException)
        {
            string reason = e is ConfigException c ? string.Join("; ", c.Errors) : e.Message;
            Logger.Error($"SIGHUP: reload of {_file.Name} failed, the running configuration stays: {reason}");
        }
        finally
        {
            _supervisor?.Reloaded();
        }
    }

    public void Dispose()
    {
        for (int i = _parts.Count - 1; i >= 0; i--) _parts[i].Dispose();
        _parts.Clear();
    }
}
