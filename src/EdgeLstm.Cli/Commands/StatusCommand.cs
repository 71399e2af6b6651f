using System.CommandLine;
using System.Net.Sockets;
using System.Text.Json;
using EdgeLstm.Daemon.Service;

namespace EdgeLstm.Cli.Commands;

/// <summary>
/// `edgelstm status [--socket PATH]`: asks a running `edgelstm run` through its status socket (always
/// on under systemd, in /run/edgelstm; reachable through file permissions only, unlike the optional
/// HTTP endpoint) and prints its answer: one JSON object with health, uptime, reloads and every
/// counter. Exit 0 healthy, 1 running but unhealthy, 2 no service answering.
/// </summary>
public static class StatusCommand
{
    public const string DefaultSocket = "/run/edgelstm/status.sock";

    public static Command Create()
    {
        var socket = new Option<string>("--socket") { Description = "The service's status socket (service.statusSocket)", DefaultValueFactory = _ => DefaultSocket };
        var command = new Command("status", "Print the counters and health of a running edgelstm service") { socket };
        command.SetAction(p => CommandGuard.Run(() =>
        {
            string path = p.GetValue(socket)!;
            string report;
            try
            {
                report = StatusSocket.Read(path, TimeSpan.FromSeconds(10));
            }
            catch (SocketException e)
            {
                throw new UsageException(NoService(path, e));
            }
            Console.Out.Write(report);
            using var doc = JsonDocument.Parse(report);
            return doc.RootElement.GetProperty("healthy").GetBoolean() ? ExitCodes.Success : ExitCodes.CheckFailed;
        }));
        return command;
    }

    /// <summary>Why nothing answered, in the user's terms: no service, a stale socket, or a socket the user may not open.</summary>
    private static string NoService(string path, SocketException e)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
            return $"no edgelstm service is running: {path} does not exist (start it: systemctl start edgelstm; or name its service.statusSocket with --socket)";
        return e.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => $"no edgelstm service answers on {path}: the socket is left from a service that is not running (systemctl status edgelstm)",
            SocketError.AccessDenied => Environment.UserName == "root"
                ? $"no access to {path}: {e.Message}"
                : $"no access to {path}: the socket is private to the service's user; run this as root (sudo edgelstm status)",
            _ => $"no edgelstm service answers on {path}: {e.Message}",
        };
    }
}
