namespace EdgeLstm.Cli.Tests;

/// <summary>Runs an edgelstm executable (the JIT build beside the tests, or a published binary) as a real process.</summary>
internal static class CliProcess
{
    public static string RepoRoot => EdgeLstm.Tests.Shared.RepoRoot.Directory;

    public static ProcessResult Run(params string[] args) =>
        RunExecutable("dotnet", [Path.Combine(AppContext.BaseDirectory, "edgelstm.dll"), .. args]);

    public static ProcessResult RunExecutable(string file, IEnumerable<string> args, IDictionary<string, string>? environment = null) =>
        ProcessRun.Run(file, args, environment);
}
