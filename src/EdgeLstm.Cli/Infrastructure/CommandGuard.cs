using EdgeLstm.Core.Model;

namespace EdgeLstm.Cli;

/// <summary>Runs a command body and turns bad input into one line on stderr and exit code 2.</summary>
public static class CommandGuard
{
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is ModelException or UsageException or Daemon.Service.StartupException or IOException or UnauthorizedAccessException
                                      or FormatException or PlatformNotSupportedException or ArgumentException)
        {
            Console.Error.WriteLine($"edgelstm: {e.Message}");
            return ExitCodes.BadInput;
        }
    }
}
