using EdgeLstm.Core.Model;

namespace EdgeLstm.Core.Tests;

/// <summary>
/// The MUT cells' fixed weights: the cyclic input map (MUT1's W h block, MUT2's W r block; unit j
/// reads x_(j mod I)) and MUT1's empty R z block survive quantization and are enforced by the
/// float and integer validation.
/// </summary>
public class MutCellTests
{
    [Theory]
    [InlineData("mut1", Gates.GruHidden, 5, 12)]
    [InlineData("mut2", Gates.GruReset, 5, 12)]
    [InlineData("mut1", Gates.GruHidden, 12, 12)]
    [InlineData("mut2", Gates.GruReset, 12, 5)]
    public void The_map_block_is_the_cyclic_map_in_both_forms(string variant, int block, int inputs, int hidden)
    {
        var model = TestModels.Quantized(variant, inputs: inputs, hidden: hidden);
        var f = model.Float!.Layers[0];
        var q = model.Integer!.Layers[0];
        for (int k = 0; k < hidden; k++)
            for (int j = 0; j < inputs; j++)
            {
                int row = block * hidden + k;
                bool on = j == k % inputs;
                Assert.Equal(on ? 1f : 0f, f.W[row * inputs + j]);
                Assert.Equal(on ? 127 : 0, q.W.Values[row * inputs + j]);
            }
    }

    [Theory]
    [InlineData("mut1", Gates.GruHidden)]
    [InlineData("mut2", Gates.GruReset)]
    public void A_changed_map_entry_is_rejected(string variant, int block)
    {
        var layer = MutLayer(variant);
        layer.W[(block * 6 + 1) * 4 + 1] = 0.5f; // unit 1 reads column 1: its map entry
        var error = Assert.Throws<ModelException>(() => new FloatNetwork([layer], new DenseLayer(6, 2)));
        Assert.Contains("cyclic input map", error.Message);
    }

    [Fact]
    public void A_recurrent_weight_into_mut1s_update_gate_is_rejected()
    {
        var layer = MutLayer("mut1");
        layer.R[7] = 0.1f; // R z block
        var error = Assert.Throws<ModelException>(() => new FloatNetwork([layer], new DenseLayer(6, 2)));
        Assert.Contains("no recurrent term", error.Message);
    }

    [Fact]
    public void Mut3_has_no_fixed_weights()
    {
        var layer = MutLayer("mut3");
        layer.W[0] = 0.5f;
        layer.R[7] = 0.1f;
        Assert.NotNull(new FloatNetwork([layer], new DenseLayer(6, 2)));
    }

    /// <summary>A random layer of 4 inputs and 6 units with its fixed weights in place.</summary>
    private static RecurrentLayer MutLayer(string variant)
    {
        var random = new Random(3);
        var layer = CellVariant.CreateLayer(variant, 4, 6);
        for (int i = 0; i < layer.W.Length; i++) layer.W[i] = (float)random.NextDouble() - 0.5f;
        for (int i = 0; i < layer.R.Length; i++) layer.R[i] = (float)random.NextDouble() - 0.5f;
        layer.Definition.ApplyFixedWeights(layer);
        return layer;
    }
}
