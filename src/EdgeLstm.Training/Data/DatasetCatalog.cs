namespace EdgeLstm.Training.Data;

/// <summary>
/// Named datasets shipped in the repository's datasets/ directory. The directory is found from
/// EDGELSTM_DATASETS if set, else by walking up from the current directory and then from the
/// executable's directory to the first `datasets/NAME` that exists.
/// </summary>
public static class DatasetCatalog
{
    public const string EnvironmentVariable = "EDGELSTM_DATASETS";

    public static IReadOnlyList<string> Names { get; } = [HaptDataset.Name];

    /// <summary>Train/test split of a named dataset (its standard split and classes).</summary>
    public static DatasetSplit Open(string name) => name switch
    {
        HaptDataset.Name => HaptDataset.Load(DirectoryOf(name)),
        _ => throw new ArgumentException($"unknown dataset '{name}' (known: {string.Join(", ", Names)})"),
    };

    public static string DirectoryOf(string name)
    {
        var root = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(root))
        {
            var dir = Path.Combine(root, name);
            return Directory.Exists(dir) ? dir : throw new DirectoryNotFoundException($"{dir}: no dataset '{name}' under {EnvironmentVariable}");
        }
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                var candidate = Path.Combine(d.FullName, "datasets", name);
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        throw new DirectoryNotFoundException($"dataset '{name}' not found: no datasets/{name} above the current or the executable's directory (set {EnvironmentVariable})");
    }
}
