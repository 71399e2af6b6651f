using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;

namespace EdgeLstm.Daemon.Mqtt;

/// <summary>
/// The one place that turns <see cref="MqttConnectionOptions"/> into MQTTnet client options
/// (address, client id, credentials, keep-alive, TLS with the CA file or the system store) and
/// that words why a connection attempt failed, for the MQTT sink and the MQTT source alike. Each
/// caller adds what is its own (the sink its clean session and last will, the source its
/// persistent session) through <see cref="Build"/>. One per client: it remembers
/// why the certificate check refused the broker in the current attempt (the handshake's own
/// exception only says "rejected by the callback").
/// </summary>
public sealed class MqttConnector(MqttConnectionOptions options, string clientId)
{
    /// <summary>
    /// The socket's send and receive buffers (SO_SNDBUF, SO_RCVBUF; Linux caps them at
    /// net.core.rmem_max/wmem_max, 208 KiB by default, and doubles them). MQTTnet sets 8 KiB,
    /// which held the source to about 35 messages/s at 1,000 nodes: the broker's QoS 1 window (20
    /// messages of ~930 bytes) overran the 8 KiB TCP window, the broker stopped at a zero window and
    /// waited for the 200 ms persist timer every few messages (ss showed rb16384; docs/benchmarks.md,
    /// "Gateway"). Setting them at all turns off the kernel's autotuning, so they are set large.
    /// </summary>
    public const int SocketBufferBytes = 1 << 20;

    /// <summary>An attempt that gets no CONNACK within this long fails (and is retried after the backoff).</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private volatile string? _certificateRejection;

    public string ClientId => clientId;

    /// <summary>"host:port", for the log.</summary>
    public string Broker => $"{options.Host}:{options.Port}";

    /// <summary>
    /// The client options: the connection's settings, what the caller adds (its session and will
    /// settings) and the socket buffers (<see cref="SocketBufferBytes"/>; MQTTnet's builder holds
    /// them only on the TCP options it builds).
    /// </summary>
    public MqttClientOptions Build(Func<MqttClientOptionsBuilder, MqttClientOptionsBuilder> own)
    {
        var built = own(Builder()).Build();
        ((MqttClientTcpOptions)built.ChannelOptions).BufferSize = SocketBufferBytes;
        return built;
    }

    private MqttClientOptionsBuilder Builder()
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithClientId(clientId)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(Math.Round(options.KeepAliveMs / 1000.0)))
            .WithTimeout(ConnectTimeout);
        if (options.Username is not null) builder.WithCredentials(options.Username, options.Password ?? "");
        if (options.Tls)
        {
            builder.WithTlsOptions(tls =>
            {
                tls.UseTls(true).WithTargetHost(options.Host);
                if (options.AllowUntrustedCertificates)
                {
                    tls.WithAllowUntrustedCertificates(true).WithIgnoreCertificateChainErrors(true).WithCertificateValidationHandler(_ => true);
                }
                else
                {
                    if (options.CaFile is { } ca)
                    {
                        var chain = new X509Certificate2Collection();
                        chain.ImportFromPemFile(ca);
                        tls.WithTrustChain(chain);
                    }
                    tls.WithCertificateValidationHandler(Validate);
                }
            });
        }
        return builder;
    }

    /// <summary>Connects with a <see cref="ConnectTimeout"/>; a failure throws (see <see cref="IsConnectFailure"/>, <see cref="FailureOf"/>).</summary>
    public async Task<MqttClientConnectResult> ConnectAsync(IMqttClient client, MqttClientOptions clientOptions, CancellationToken token)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(ConnectTimeout);
        _certificateRejection = null;
        return await client.ConnectAsync(clientOptions, timeout.Token).ConfigureAwait(false);
    }

    /// <summary>The exceptions a connection attempt (or the first packets after it) ends in when the broker or the network fails.</summary>
    public static bool IsConnectFailure(Exception e) =>
        e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Adapter.MqttConnectingFailedException or OperationCanceledException
            or InvalidOperationException or SocketException or AuthenticationException;

    /// <summary>Why the current attempt failed, in the words of <see cref="ReasonOf"/>.</summary>
    public string FailureOf(Exception e) => ReasonOf(e, options.Tls, _certificateRejection);

    /// <summary>The broker answered and refused us (credentials, client id, authorization): its reason code says why.</summary>
    public static string ResultText(MqttClientConnectResultCode code, string? reason) =>
        string.IsNullOrEmpty(reason) ? $"broker refused the connection: {code}" : $"broker refused the connection: {code} ({reason})";

    /// <summary>Why an established connection ended, from MQTTnet's disconnect event.</summary>
    public static string LostReason(MqttClientDisconnectedEventArgs e) =>
        e.Exception is { } x ? ReasonOf(x)
        : e.ReasonString is { Length: > 0 } text ? $"{e.Reason}: {text}"
        : e.Reason is MqttClientDisconnectReason.UnspecifiedError or MqttClientDisconnectReason.NormalDisconnection
            ? "closed by the broker or the network without a reason"
            : $"the broker disconnected us: {e.Reason}";

    /// <summary>
    /// Why a connection attempt threw, short and stable across retries (so a change of reason is
    /// noticed): the TLS handshake's failure (why the certificate was refused, when that was it),
    /// the socket error, else the innermost message. A broker that answers and refuses does not
    /// throw: MQTTnet 5 returns its CONNACK code. With TLS, a connection accepted and then cut
    /// before the CONNACK most likely ended in the handshake (a plain listener does that), and the
    /// reason says so.
    /// </summary>
    public static string ReasonOf(Exception e, bool tls = false, string? certificateRejection = null)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is AuthenticationException) return $"TLS handshake failed: {certificateRejection ?? x.Message}";
        if (e is OperationCanceledException) return "no answer within 10 s";
        string? code = null;
        bool io = false;
        for (var x = e; x is not null; x = x.InnerException)
        {
            io |= x is IOException;
            if (x is SocketException socket)
            {
                code = socket.SocketErrorCode.ToString();
                if (socket.SocketErrorCode is not (SocketError.ConnectionReset or SocketError.ConnectionAborted)) return code;
                break;
            }
        }
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        code ??= inner.Message;
        return tls && (io || code is nameof(SocketError.ConnectionReset) or nameof(SocketError.ConnectionAborted))
            ? $"TLS handshake or CONNECT cut off: {code} (is the port a TLS listener?)"
            : code;
    }

    /// <summary>MQTTnet's own check (system store, or the CA file's chain), remembering why it refused for the log.</summary>
    private bool Validate(MqttClientCertificateValidationEventArgs e)
    {
        if (MqttClientDefaultCertificateValidationHandler.Handle(e)) return true;
        var statuses = e.Chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToArray() ?? [];
        string trust = !e.SslPolicyErrors.HasFlag(System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) ? ""
            : options.CaFile is { } ca ? $", checked against the caFile {ca}" : ", checked against the system store (set caFile for a private CA)";
        _certificateRejection = $"the broker's certificate was rejected: {e.SslPolicyErrors}"
                                + (statuses.Length > 0 ? $" ({string.Join(", ", statuses)})" : "") + trust;
        return false;
    }
}
