namespace EdgeLstm.Core.Model;

/// <summary>
/// The kind-specific fields of a <see cref="QuantizedRecurrentLayer"/> while it is being built (by
/// the quantizer or the model file reader): a kind's definition fills the ones it owns
/// (<see cref="Cells.CellDefinition"/>), the builder then makes the immutable layer. Every field
/// means what the layer's property of the same name means; unset fields are the layer's defaults.
/// </summary>
internal sealed class IntegerLayerFields
{
    public int[]? CandidateRecurrentBias;
    public short[]? Peepholes;
    public float[]? PeepholeScales;
    public Requantizer[]? PeepholeRequant;
    public int[]? Periods;
    public QuantizedMatrix? DepthW;
    public int[]? DepthBias;
    public short[]? DepthPeepholes;
    public float[]? DepthPeepholeScales;
    public Requantizer[]? DepthRequant;
    public int LowerCellFracBits;
}
