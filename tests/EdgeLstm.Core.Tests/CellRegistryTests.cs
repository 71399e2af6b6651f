using EdgeLstm.Core.Cells;
using EdgeLstm.Core.Format;
using EdgeLstm.Core.Integer;
using EdgeLstm.Core.Model;

namespace EdgeLstm.Core.Tests;

/// <summary>The registry lists every kind once, and every variant of every kind round-trips through the model file and runs in both engines.</summary>
public class CellRegistryTests
{
    public static IEnumerable<object[]> RegistryVariants() =>
        CellRegistry.All.SelectMany(c => c.Variants.Select(v => new object[] { c.Kind, v }));

    [Fact]
    public void Every_kind_has_one_definition_and_every_variant_one_kind()
    {
        Assert.Equal(Enum.GetValues<CellKind>().Order(), CellRegistry.All.Select(c => c.Kind).Order());
        foreach (var kind in Enum.GetValues<CellKind>()) Assert.Equal(kind, CellRegistry.For(kind).Kind);
        Assert.Equal(CellVariant.Names.Count, CellVariant.Names.Distinct().Count());
        Assert.Equal(CellVariant.Names.Order(), CellRegistry.All.SelectMany(c => c.Variants).Order());
        Assert.Null(CellRegistry.Find(0));
        Assert.Null(CellRegistry.ForVariant("no-such-cell"));
    }

    [Theory]
    [MemberData(nameof(RegistryVariants))]
    public void Every_variant_round_trips_through_the_file_and_both_engines(CellKind kind, string variant)
    {
        var model = TestModels.Quantized(variant, inputs: 5, hidden: 12, layers: 1);
        var top = model.Float!.Layers[^1];
        Assert.Equal(kind, top.Kind);
        Assert.Equal(variant, top.VariantName);
        Assert.Equal(variant, model.Integer!.Layers[^1].VariantName);
        Assert.Equal(top.MacsPerStep, model.Integer.Layers[^1].MacsPerStep);
        var bytes = ModelFileWriter.ToBytes(model);
        var loaded = ModelFileReader.FromBytes(bytes);
        Assert.Equal(bytes, ModelFileWriter.ToBytes(loaded));
        Assert.Equal(kind, loaded.Integer!.Layers[^1].Kind);
        var inputs = TestModels.Inputs(5, 3, sequences: 1, length: 40)[0];
        foreach (var (a, b) in new[] { (model.CreateFloatSession() as IClassifierSession, loaded.CreateFloatSession() as IClassifierSession),
                     (model.CreateIntegerSession(KernelChoice.Scalar), loaded.CreateIntegerSession()) })
        {
            var pa = new float[model.OutputSize];
            var pb = new float[model.OutputSize];
            foreach (var x in inputs)
            {
                a.Step(x); b.Step(x);
                a.GetProbabilities(pa); b.GetProbabilities(pb);
                Assert.Equal(pa, pb);
                Assert.All(pa, p => Assert.True(float.IsFinite(p)));
            }
        }
    }
}
