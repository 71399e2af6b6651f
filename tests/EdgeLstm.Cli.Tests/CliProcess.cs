using System.Diagnostics;

namespace EdgeLstm.Cli.Tests;

/// <summary>Runs an edgelstm executable (the JIT build beside the tests, or a published binary) as a real process.</summary>
internal sealed record CliResult(int ExitCode, string StdOut, string StdErr);

internal static class CliProcess
{
    public static string RepoRoot { get; } = FindRoot();

    public static CliResult Run(params string[] args) =>
        RunExecutable("dotnet", [Path.Combine(AppContext.BaseDirectory, "edgelstm.dll"), .. args]);

    public static CliResult RunExecutable(string file, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        if (environment is not null) foreach (var (k, v) in environment) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 5 minutes");
        }
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeLstm.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
