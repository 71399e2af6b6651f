using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeLstm.Daemon.Service;

/// <summary>
/// The optional HTTP endpoint (off unless configured; 127.0.0.1 by default): GET /metrics in the
/// Prometheus text format, GET /health answering 200 "healthy" or 503 with the reason. A minimal
/// HTTP/1.1 responder on a socket bound exclusively to the configured address (not HttpListener:
/// that matched the Host header against its prefix, so `localhost:PORT` got 404, and kept
/// per-request state): any Host is answered, one request per connection (Connection: close), one
/// connection at a time with a 5 s limit, which is plenty for a scraper. The response is built in
/// one buffer reused across requests. Nothing here runs on the data path.
/// </summary>
public sealed class MetricsEndpoint : IDisposable
{
    private const int MaxRequestHead = 8192;
    private static readonly TimeSpan RequestLimit = TimeSpan.FromSeconds(5);
    private const string TextPlain = "text/plain; charset=utf-8";

    private readonly IPEndPoint _endpoint;
    private readonly Socket _listener;
    private readonly Func<string> _metrics;
    private readonly Func<HealthReport> _health;
    private readonly Action<string> _log;
    private readonly byte[] _request = new byte[MaxRequestHead];
    private byte[] _response = new byte[16 * 1024];
    private readonly CancellationTokenSource _stop = new();

    public MetricsEndpoint(string address, int port, Func<string> metrics, Func<HealthReport> health, Action<string> log)
    {
        _endpoint = new IPEndPoint(IPAddress.Parse(address), port);
        _listener = new Socket(_endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _metrics = metrics;
        _health = health;
        _log = log;
    }

    /// <summary>Binds and listens (a port in use: <see cref="StartupException"/> naming service.metrics.port), then serves.</summary>
    public void Start()
    {
        try
        {
            _listener.SetRawSocketOption(1, 2, BitConverter.GetBytes(1)); // SO_REUSEADDR only: restart past TIME_WAIT, no sharing
            _listener.Bind(_endpoint);
            _listener.Listen(16);
        }
        catch (SocketException e)
        {
            throw StartupException.FromBind("service.metrics", _endpoint, e);
        }
        _ = Task.Run(ServeAsync);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return; // stopped
            }
            using (client)
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                limit.CancelAfter(RequestLimit);
                try
                {
                    await RespondAsync(client, limit.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
                {
                    if (!_stop.IsCancellationRequested && e is not OperationCanceledException) _log($"metrics: {e.Message}");
                }
            }
        }
    }

    private async Task RespondAsync(Socket client, CancellationToken cancel)
    {
        // The request head: up to the blank line (a body, which GET has none of, is ignored).
        int length = 0, end;
        while ((end = HeadEnd(length)) < 0)
        {
            if (length == _request.Length)
            {
                await SendAsync(client, 431, "Request Header Fields Too Large", TextPlain, "request head too large\n", head: false, cancel).ConfigureAwait(false);
                return;
            }
            int n = await client.ReceiveAsync(_request.AsMemory(length), SocketFlags.None, cancel).ConfigureAwait(false);
            if (n == 0) return; // closed before a whole request
            length += n;
        }
        // Request line: METHOD SP TARGET SP HTTP/1.x. The target may be absolute-form (http://host:port/path).
        string line = Encoding.ASCII.GetString(_request, 0, Math.Max(0, _request.AsSpan(0, end).IndexOf((byte)'\r')));
        string[] parts = line.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            await SendAsync(client, 400, "Bad Request", TextPlain, "bad request\n", head: false, cancel).ConfigureAwait(false);
            return;
        }
        bool head = parts[0] == "HEAD";
        if (parts[0] != "GET" && !head)
        {
            await SendAsync(client, 405, "Method Not Allowed", TextPlain, "only GET and HEAD\n", head: false, cancel).ConfigureAwait(false);
            return;
        }
        string target = parts[1];
        if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            int slash = target.IndexOf('/', "http://".Length);
            target = slash < 0 ? "/" : target[slash..];
        }
        int query = target.IndexOfAny(['?', '#']);
        string path = query < 0 ? target : target[..query];
        switch (path)
        {
            case "/metrics":
                await SendAsync(client, 200, "OK", PrometheusText.ContentType, _metrics(), head, cancel).ConfigureAwait(false);
                break;
            case "/health":
                var h = _health();
                await (h.Healthy
                    ? SendAsync(client, 200, "OK", TextPlain, "healthy\n", head, cancel)
                    : SendAsync(client, 503, "Service Unavailable", TextPlain, $"unhealthy: {h.Reason}\n", head, cancel)).ConfigureAwait(false);
                break;
            default:
                await SendAsync(client, 404, "Not Found", TextPlain, "not found: try /metrics or /health\n", head, cancel).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>The offset just past the head's blank line within the bytes read, or -1.</summary>
    private int HeadEnd(int length)
    {
        int i = _request.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
        return i < 0 ? -1 : i + 4;
    }

    private async Task SendAsync(Socket client, int status, string reason, string type, string body, bool head, CancellationToken cancel)
    {
        int bodyBytes = Encoding.UTF8.GetByteCount(body);
        string header = $"HTTP/1.1 {status} {reason}\r\nContent-Type: {type}\r\nContent-Length: {bodyBytes}\r\nConnection: close\r\n\r\n";
        int total = header.Length + (head ? 0 : bodyBytes);
        if (_response.Length < total) _response = new byte[Math.Max(total, _response.Length * 2)];
        int n = Encoding.ASCII.GetBytes(header, _response);
        if (!head) n += Encoding.UTF8.GetBytes(body, _response.AsSpan(n));
        for (int sent = 0; sent < n;)
            sent += await client.SendAsync(_response.AsMemory(sent, n - sent), SocketFlags.None, cancel).ConfigureAwait(false);
        client.Shutdown(SocketShutdown.Send);
    }
}
