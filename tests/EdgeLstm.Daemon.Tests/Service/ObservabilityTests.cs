using System.Net;
using System.Net.Sockets;
using EdgeLstm.Daemon.Service;

namespace EdgeLstm.Daemon.Tests.Service;

public class ObservabilityTests
{
    [Fact]
    public void Prometheus_text_has_one_help_and_type_per_family_and_escapes_labels()
    {
        string text = new PrometheusText()
            .Counter("edgelstm_samples_total", "Samples decoded", 42, ("stream", "imu\"1"))
            .Counter("edgelstm_samples_total", "Samples decoded", 7, ("stream", "imu2"))
            .Gauge("edgelstm_up", "1 while running", 1)
            .Histogram("edgelstm_latency_seconds", "Latency", [(0.001, 3), (0.01, 5)], 0.02, 6)
            .ToString();
        Assert.Equal(
            """
            # HELP edgelstm_samples_total Samples decoded
            # TYPE edgelstm_samples_total counter
            edgelstm_samples_total{stream="imu\"1"} 42
            edgelstm_samples_total{stream="imu2"} 7
            # HELP edgelstm_up 1 while running
            # TYPE edgelstm_up gauge
            edgelstm_up 1
            # HELP edgelstm_latency_seconds Latency
            # TYPE edgelstm_latency_seconds histogram
            edgelstm_latency_seconds_bucket{le="0.001"} 3
            edgelstm_latency_seconds_bucket{le="0.01"} 5
            edgelstm_latency_seconds_bucket{le="+Inf"} 6
            edgelstm_latency_seconds_sum 0.02
            edgelstm_latency_seconds_count 6

            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public async Task Http_endpoint_serves_metrics_and_health_on_loopback()
    {
        int port = FreePort();
        bool healthy = true;
        using var endpoint = new MetricsEndpoint("127.0.0.1", port, () => "edgelstm_up 1\n",
            () => healthy ? HealthReport.Ok : new HealthReport(false, "source imu silent for 12 s"), _ => { });
        endpoint.Start();
        using var http = new HttpClient();
        var metrics = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal("edgelstm_up 1\n", await metrics.Content.ReadAsStringAsync());
        Assert.StartsWith("text/plain; version=0.0.4", metrics.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"))).StatusCode);
        healthy = false;
        var sick = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, sick.StatusCode);
        Assert.Contains("silent", await sick.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri($"http://127.0.0.1:{port}/"))).StatusCode);
    }

    [Fact]
    public void Status_socket_answers_each_connection_with_the_current_report()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-status").FullName, "status.sock");
        int n = 0;
        using var socket = new StatusSocket(path, () => $"report {++n}\n");
        socket.Start();
        Assert.Equal("report 1\n", StatusSocket.Read(path, TimeSpan.FromSeconds(10)));
        Assert.Equal("report 2\n", StatusSocket.Read(path, TimeSpan.FromSeconds(10)));
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
