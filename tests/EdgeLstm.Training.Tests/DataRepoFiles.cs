using EdgeLstm.Training.Data;

namespace EdgeLstm.Training.Tests;

/// <summary>Real data shipped in the repository (never /work/shared: CI has only the repository).</summary>
internal static class DataRepoFiles
{
    public static string Root { get; } = RepoRoot.Directory;

    /// <summary>HAPT experiment 3, subject 2, with the values verbatim from the dataset's text files.</summary>
    public static string SampleCsv => Path.Combine(Root, "firmware-samples", "recordings", "hapt-exp03-user02.csv");

    public static string HaptDirectory => Path.Combine(Root, "datasets", "hapt");

    private static readonly Lazy<Dataset> LazyHapt = new(() => HaptDataset.LoadAll(HaptDirectory));

    /// <summary>The compact copy, loaded once per test run.</summary>
    public static Dataset Hapt => LazyHapt.Value;

    /// <summary>A fresh temporary directory holding a copy of the sample recording (and more, if asked).</summary>
    public static string TempDirectoryWithSample(string prefix = "edgelstm-data")
    {
        var dir = Directory.CreateTempSubdirectory(prefix).FullName;
        File.Copy(SampleCsv, Path.Combine(dir, Path.GetFileName(SampleCsv)));
        return dir;
    }
}
