using EdgeLstm.Core.Numerics;

namespace EdgeLstm.Core.Model;

/// <summary>
/// The kind-specific fields of a <see cref="QuantizedRecurrentLayer"/> while it is being built (by
/// the quantizer or the model file reader): a kind's definition fills the ones it owns
/// (<see cref="Cells.CellDefinition"/>), the builder then makes the immutable layer. Every field
/// means what the layer's property of the same name means; unset fields are the layer's defaults.
/// </summary>
internal sealed class IntegerLayerFields
{
    public int[]? CandidateRecurrentBias { get; set; }
    public short[]? Peepholes { get; set; }
    public float[]? PeepholeScales { get; set; }
    public Requantizer[]? PeepholeRequant { get; set; }
    public int[]? Periods { get; set; }
    public QuantizedMatrix? DepthW { get; set; }
    public int[]? DepthBias { get; set; }
    public short[]? DepthPeepholes { get; set; }
    public float[]? DepthPeepholeScales { get; set; }
    public Requantizer[]? DepthRequant { get; set; }
    public int LowerCellFracBits { get; set; }
}
