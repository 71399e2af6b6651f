using System.Net;
using System.Text;

namespace EdgeLstm.Daemon.Service;

/// <summary>
/// The optional HTTP endpoint (off unless configured; 127.0.0.1 by default): GET /metrics in the
/// Prometheus text format, GET /health answering 200 "healthy" or 503 with the reason. One request
/// at a time is plenty for a scraper; nothing here runs on the data path.
/// </summary>
public sealed class MetricsEndpoint : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<string> _metrics;
    private readonly Func<HealthReport> _health;
    private readonly Action<string> _log;
    private Task? _loop;

    public MetricsEndpoint(string address, int port, Func<string> metrics, Func<HealthReport> health, Action<string> log)
    {
        _metrics = metrics;
        _health = health;
        _log = log;
        _listener.Prefixes.Add($"http://{address}:{port}/");
    }

    public void Start()
    {
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public void Dispose()
    {
        if (_listener.IsListening) _listener.Stop();
        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }
            try
            {
                Respond(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException)
            {
                _log($"metrics: {e.Message}");
            }
        }
    }

    private void Respond(HttpListenerContext context)
    {
        var response = context.Response;
        string path = context.Request.Url?.AbsolutePath ?? "/";
        (int status, string type, string body) = path switch
        {
            "/metrics" => (200, PrometheusText.ContentType, _metrics()),
            "/health" => _health() is var h && h.Healthy ? (200, "text/plain; charset=utf-8", "healthy\n") : (503, "text/plain; charset=utf-8", $"unhealthy: {_health().Reason}\n"),
            _ => (404, "text/plain; charset=utf-8", "not found: try /metrics or /health\n"),
        };
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = type;
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes);
        response.Close();
    }
}

/// <summary>Is the data fresh: false when a source that should be live has been silent too long.</summary>
public readonly record struct HealthReport(bool Healthy, string Reason)
{
    public static HealthReport Ok { get; } = new(true, "");
}
