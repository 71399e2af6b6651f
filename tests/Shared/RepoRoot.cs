namespace EdgeLstm.Tests.Shared;

/// <summary>The repository's root directory (the one holding EdgeLstm.sln), found from the test assembly's directory.</summary>
internal static class RepoRoot
{
    public static string Directory { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeLstm.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
