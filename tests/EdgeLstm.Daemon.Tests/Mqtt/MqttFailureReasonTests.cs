using System.Collections.Concurrent;
using EdgeLstm.Daemon.Mqtt;

namespace EdgeLstm.Daemon.Tests.Mqtt;

/// <summary>
/// Why the publisher cannot connect is logged with the real reason, once per change of reason and
/// not at every retry: the broker's CONNACK code for a wrong password, the TLS handshake's failure
/// for an untrusted certificate. Real mosquitto brokers on 127.0.0.1, each with a control client
/// that does connect, so the refusal is the broker's and not a broken test setup.
/// </summary>
public class MqttFailureReasonTests
{
    private static MqttOptions Options(int port) => new()
    {
        Port = port,
        Device = "board1",
        ReconnectMinMs = 50,
        ReconnectMaxMs = 100,
    };

    private static Task<bool> WaitAsync(Func<bool> condition, int seconds = 30) => EdgeLstm.Tests.Shared.Eventually.TrueAsync(condition, seconds);

    [Fact]
    public async Task A_wrong_password_is_logged_with_the_brokers_reason_code_once()
    {
        using var broker = new MosquittoBroker(dir =>
        {
            string passwords = Path.Combine(dir, "passwords");
            MosquittoBroker.Run("mosquitto_passwd", "-b", "-c", passwords, "edgelstm", "right-password");
            return $"allow_anonymous false\npassword_file {passwords}";
        });
        var log = new ConcurrentQueue<string>();
        var options = Options(broker.Port);
        options.Username = "edgelstm";
        options.Password = "wrong-password";
        await using var publisher = new MqttPublisher(options, log.Enqueue);
        publisher.Start();
        Assert.True(await WaitAsync(() => publisher.ConnectFailures >= 5), $"connect failures {publisher.ConnectFailures}; broker: {broker.Log}");
        await publisher.StopAsync(TimeSpan.Zero);

        var failures = log.Where(l => l.Contains("cannot connect", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count == 1, $"one line for {publisher.ConnectFailures} failures with the same reason; log: {string.Join(" | ", log)}");
        Assert.Matches("NotAuthorized|BadUserNameOrPassword", failures[0]);
        Assert.Equal(0, publisher.Connects);
        Assert.False(publisher.Link.Connected);
        Assert.Matches("NotAuthorized|BadUserNameOrPassword", publisher.Link.LastFailure);

        options.Password = "right-password";
        await using var control = new MqttPublisher(options);
        control.Start();
        Assert.True(await WaitAsync(() => control.Connects == 1), $"the right password did not connect: {control.Link.LastFailure}; broker: {broker.Log}");
        await control.StopAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_tls_failure_is_logged_with_the_handshakes_reason()
    {
        string certificate = "";
        using var broker = new MosquittoBroker(dir =>
        {
            certificate = Path.Combine(dir, "broker.pem");
            string key = Path.Combine(dir, "broker.key");
            MosquittoBroker.Run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
            return $"allow_anonymous true\ncertfile {certificate}\nkeyfile {key}";
        });
        var log = new ConcurrentQueue<string>();
        var options = Options(broker.Port);
        options.Tls = true; // the self-signed certificate is in no trust store
        await using var publisher = new MqttPublisher(options, log.Enqueue);
        publisher.Start();
        Assert.True(await WaitAsync(() => publisher.ConnectFailures >= 5), $"connect failures {publisher.ConnectFailures}; broker: {broker.Log}");
        await publisher.StopAsync(TimeSpan.Zero);

        var failures = log.Where(l => l.Contains("cannot connect", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count == 1, $"one line for {publisher.ConnectFailures} failures with the same reason; log: {string.Join(" | ", log)}");
        Assert.Contains("TLS handshake failed", failures[0], StringComparison.Ordinal);
        Assert.Contains("UntrustedRoot", failures[0], StringComparison.Ordinal); // why, not just "rejected by the callback"

        // The same broker with its certificate trusted: connects, so the failure above was the trust.
        options.CaFile = certificate;
        await using var control = new MqttPublisher(options);
        control.Start();
        Assert.True(await WaitAsync(() => control.Connects == 1), $"the trusted certificate did not connect: {control.Link.LastFailure}; broker: {broker.Log}");
        await control.StopAsync(TimeSpan.FromSeconds(5));

        // Trusted, but issued for 127.0.0.1 and not for the name we connect to: the reason says that instead.
        log.Clear();
        options.Host = "localhost";
        await using var misnamed = new MqttPublisher(options, log.Enqueue);
        misnamed.Start();
        Assert.True(await WaitAsync(() => misnamed.ConnectFailures >= 2), $"connect failures {misnamed.ConnectFailures}; log: {string.Join(" | ", log)}");
        await misnamed.StopAsync(TimeSpan.Zero);
        Assert.Contains(log, l => l.Contains("TLS handshake failed", StringComparison.Ordinal) && l.Contains("RemoteCertificateNameMismatch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tls_handshake_with_a_plain_listener_is_logged_as_a_tls_failure()
    {
        using var broker = new MosquittoBroker();
        var log = new ConcurrentQueue<string>();
        var options = Options(broker.Port);
        options.Tls = true;
        options.AllowUntrustedCertificates = true;
        await using var publisher = new MqttPublisher(options, log.Enqueue);
        publisher.Start();
        Assert.True(await WaitAsync(() => publisher.ConnectFailures >= 3), $"connect failures {publisher.ConnectFailures}; broker: {broker.Log}");
        await publisher.StopAsync(TimeSpan.Zero);
        var failures = log.Where(l => l.Contains("cannot connect", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count == 1, $"log: {string.Join(" | ", log)}");
        Assert.True(failures[0].Contains("TLS", StringComparison.Ordinal), failures[0]);
    }
}
