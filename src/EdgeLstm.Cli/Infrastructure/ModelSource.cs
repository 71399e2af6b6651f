using System.Reflection;
using EdgeLstm.Core.Format;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Cli;

/// <summary>Loads --model FILE, or the default model embedded in the executable.</summary>
public static class ModelSource
{
    private const string EmbeddedName = "EdgeLstm.Cli.default.elstm";

    public static bool HasEmbeddedDefault => typeof(ModelSource).Assembly.GetManifestResourceInfo(EmbeddedName) is not null;

    public static EdgeModel Load(FileInfo? path)
    {
        if (path is not null) return ModelFileReader.Load(path.FullName);
        using var stream = typeof(ModelSource).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new UsageException("no --model given, and this build embeds no default model yet; pass --model FILE");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return ModelFileReader.FromBytes(buffer.ToArray());
    }

    public static string Describe(FileInfo? path) => path?.FullName ?? "(embedded default)";
}
