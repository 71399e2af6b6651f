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
        var socket = new Option<string>("--socket") { Description = $"The service's status socket (service.statusSocket); default {DefaultSocket}", DefaultValueFactory = _ => DefaultSocket };
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
                throw new UsageException($"no edgelstm service answers on {path}: {e.Message} (is it running? as a service, run this as root)");
            }
            Console.Out.Write(report);
            using var doc = JsonDocument.Parse(report);
            return doc.RootElement.GetProperty("healthy").GetBoolean() ? ExitCodes.Success : ExitCodes.CheckFailed;
        }));
        return command;
    }
}
