using EdgeLstm.Core.Cells;
using EdgeLstm.Core.Model;
using EdgeLstm.Onnx.Import;
using EdgeLstm.Onnx.Proto;

namespace EdgeLstm.Onnx.Tests;

/// <summary>
/// The ONNX facts the cells hold (<see cref="OnnxSchema"/>) drive both the exporter and the
/// importer: every variant of every ONNX cell in the registry, with each of its flags set both
/// ways, is written as a node and read back as the same layer, and the node has the inputs and
/// outputs its schema names (ONNX Runtime checks the same nodes in <see cref="OnnxRuntimeOracleTests"/>).
/// </summary>
public class OnnxSchemaRoundTripTests
{
    public static IEnumerable<object[]> Cases() =>
        from cell in CellRegistry.All
        where cell.Onnx is not null
        from variant in cell.Variants
        from flags in new[] { false, true }
        select new object[] { variant, flags };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Export_then_import_gives_the_same_layer(string variant, bool flagsOn)
    {
        var model = RandomModels.Create(new NetworkShape("schema", 5, [(variant, 6)], 3), 31);
        var layer = model.Float!.Layers[0];
        var schema = layer.Definition.Onnx!;
        layer.Clip = 2.5f;
        foreach (var flag in schema.Flags) flag.Set(layer, flagsOn);

        var graph = ModelProto.Parser.ParseFrom(OnnxModelBuilder.BuildStreamingStep(model.Float)).Graph;
        var proto = Assert.Single(graph.Node, n => n.OpType == schema.Operator);
        Assert.Equal(schema.HasCellState ? 7 + (layer.Peepholes is null ? 0 : 1) : 6, proto.Input.Count);
        Assert.Equal(schema.MaxOutputs, proto.Output.Count);
        var initializers = graph.Initializer.ToDictionary(t => t.Name, OnnxTensor.FromProto);
        var node = RecurrentNodeReader.Read(proto, initializers.GetValueOrDefault);

        var read = node.Layer;
        Assert.Equal(layer.Kind, read.Kind);
        Assert.Equal(layer.VariantName, read.VariantName);
        Assert.Equal(layer.W, read.W);
        Assert.Equal(layer.R, read.R);
        Assert.Equal(layer.Wb, read.Wb);
        Assert.Equal(layer.Rb, read.Rb);
        Assert.Equal(layer.Peepholes, read.Peepholes);
        Assert.Equal(layer.Clip, read.Clip);
        foreach (var flag in schema.Flags) Assert.Equal(flagsOn, flag.Get(read));
        Assert.Equal(schema.HasCellState, node.InitialC.Length > 0);
        Assert.Equal(schema.HasCellState, node.YC.Length > 0);
    }
}
