using EdgeLstm.Core.Cells;
using EdgeLstm.Training.Network;

namespace EdgeLstm.Training.Tests.Training;

/// <summary>The trainer's table of trainable layers covers every kind of Core's cell registry.</summary>
public class TrainableCellsTests
{
    [Fact]
    public void Every_registered_kind_has_a_trainable_layer()
    {
        foreach (var cell in CellRegistry.All)
        {
            Assert.True(TrainableCells<double>.Supports(cell.Kind), $"{cell.Kind} has no trainable layer");
            foreach (var variant in cell.Variants)
                Assert.Equal(cell.Kind, TrainableCells<float>.Create(cell.CreateLayer(variant, 3, 8)).ToCore().Kind);
        }
    }
}
