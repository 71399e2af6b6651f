using System.IO.Hashing;
using System.Runtime.InteropServices;
using EdgeLstm.Core.Format;
using EdgeLstm.Core.Integer;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Core.Tests;

/// <summary>
/// The engines' outputs pinned to a committed file (Data/golden-outputs.txt), so a refactoring
/// that must not change a bit proves it did not. One case per shipped model (models/**/*.elstm)
/// and per benchmark shape (<see cref="RandomModels.Shapes"/>) with its layers replaced by each
/// cell variant; per case the XxHash64 of the raw int32 logits of every step of a fixed input
/// (the same for every kernel choice this machine runs, scalar and vector, which the test checks),
/// of the float engine's logits (their IEEE bits; exact on this build and instruction set) and of
/// the model file's bytes, which must also equal what <see cref="ModelFileWriter"/> writes for
/// the loaded model. Setting EDGELSTM_WRITE_GOLDEN=1 rewrites the file instead of comparing.
/// </summary>
public class GoldenOutputTests
{
    private const string WriteVariable = "EDGELSTM_WRITE_GOLDEN";

    [Fact]
    public void Every_model_gives_its_recorded_outputs_and_file_bytes()
    {
        var actual = Cases().Select(c => $"{c.Name} {Hashes(c.Name, c.File)}").ToList();
        string path = Path.Combine(RepoDirectory, "tests", "EdgeLstm.Core.Tests", "Data", "golden-outputs.txt");
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllLines(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"{path} is missing; run the test with {WriteVariable}=1 to record it");
        var expected = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        var differing = expected.Except(actual).Concat(actual.Except(expected)).ToList();
        Assert.True(differing.Count == 0, $"{differing.Count} golden lines differ (expected and actual):\n{string.Join('\n', differing)}");
        Assert.Equal(expected.Count, actual.Count);
    }

    /// <summary>The cases in a fixed order: shipped models by path, then shape/variant.</summary>
    private static IEnumerable<(string Name, byte[] File)> Cases()
    {
        string models = Path.Combine(RepoDirectory, "models");
        foreach (var path in Directory.GetFiles(models, "*.elstm", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
            yield return ("models/" + Path.GetRelativePath(models, path).Replace('\\', '/'), File.ReadAllBytes(path));
        foreach (var (shapeName, shape) in RandomModels.Shapes.OrderBy(s => s.Key, StringComparer.Ordinal))
            foreach (var variant in TestModels.Variants().Select(r => (string)r[0]))
                yield return ($"shape-{shapeName}/{variant}", ModelFileWriter.ToBytes(RandomModel(shape, variant)));
    }

    /// <summary>The shape with every layer of the variant; a depth-gated stack starts with an LSTM of the same size (one is added below a lone layer).</summary>
    private static EdgeModel RandomModel(NetworkShape shape, string variant)
    {
        string made = variant == "cifg-peephole" ? "peephole" : variant;
        var layers = shape.Layers.Select(l => (made, l.Hidden)).ToList();
        if (variant == "depth-gated")
        {
            if (layers.Count == 1) layers.Insert(0, ("lstm", layers[0].Hidden));
            else layers[0] = ("lstm", layers[0].Hidden);
        }
        var model = RandomModels.Create(shape with { Layers = layers }, seed: 20);
        if (variant == "cifg-peephole")
            foreach (var l in model.Float!.Layers) l.InputForget = true;
        return Quantization.QuantizeModel.WithIntegerForm(model, RandomModels.RandomSequences(shape.Inputs, 3, 200, seed: 21));
    }

    private static string Hashes(string name, byte[] file)
    {
        var model = ModelFileReader.FromBytes(file);
        Assert.True(file.AsSpan().SequenceEqual(ModelFileWriter.ToBytes(model)), $"{name}: the writer does not reproduce the file's bytes");
        var inputs = RandomModels.RandomSequences(model.InputSize, 2, 160, seed: 31);
        string? integer = null;
        foreach (var choice in KernelSupport.Available.Append(KernelChoice.Auto))
        {
            var session = model.CreateIntegerSession(choice);
            string h = LogitsHash(session, inputs, hash => hash.Append(MemoryMarshal.AsBytes(session.Logits)));
            Assert.True(integer is null || integer == h, $"{name}: {choice} kernels give integer hash {h}, scalar {integer}");
            integer ??= h;
        }
        string floats = "none";
        if (model.Float is not null)
        {
            var session = model.CreateFloatSession();
            floats = LogitsHash(session, inputs, hash => hash.Append(MemoryMarshal.AsBytes(session.Logits)));
        }
        return $"integer={integer} float={floats} file={XxHash64.HashToUInt64(file):x16}";
    }

    /// <summary>Runs every sequence from a reset and hashes the logits after every step (appendLogits appends the session's).</summary>
    private static string LogitsHash(IClassifierSession session, List<float[][]> inputs, Action<XxHash64> appendLogits)
    {
        var hash = new XxHash64();
        foreach (var sequence in inputs)
        {
            session.Reset();
            foreach (var x in sequence)
            {
                session.Step(x);
                appendLogits(hash);
            }
        }
        return hash.GetCurrentHashAsUInt64().ToString("x16");
    }

    private static string RepoDirectory { get; } = FindRepo();

    private static string FindRepo()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeLstm.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
