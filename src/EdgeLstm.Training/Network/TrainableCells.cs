namespace EdgeLstm.Training.Network;

/// <summary>
/// The trainer's side of Core's <see cref="EdgeLstm.Core.Cells.CellRegistry"/>: per cell kind, the
/// <see cref="TrainableLayer{T}"/> subclass that trains it (one file per cell: RnnLayer.cs,
/// LstmLayer.cs, ...). Core cannot name the trainer's types, so the table lives here; a test checks
/// that every kind of the registry has an entry.
/// </summary>
internal static class TrainableCells<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly Dictionary<CellKind, Func<RecurrentLayer, TrainableLayer<T>>> Factories = new()
    {
        [CellKind.Rnn] = l => new RnnLayer<T>(l),
        [CellKind.Lstm] = l => new LstmLayer<T>(l),
        [CellKind.Gru] = l => new GruLayer<T>(l),
        [CellKind.Clockwork] = l => new ClockworkLayer<T>(l),
        [CellKind.DepthGated] = l => new DepthGatedLayer<T>(l),
        [CellKind.Mut1] = l => new Mut1Layer<T>(l),
        [CellKind.Mut2] = l => new Mut2Layer<T>(l),
        [CellKind.Mut3] = l => new Mut3Layer<T>(l),
    };

    /// <summary>Whether the trainer trains layers of this kind.</summary>
    public static bool Supports(CellKind kind) => Factories.ContainsKey(kind);

    /// <summary>The trainable layer for a Core layer, starting from its weights.</summary>
    public static TrainableLayer<T> Create(RecurrentLayer layer) => Factories.TryGetValue(layer.Kind, out var create)
        ? create(layer)
        : throw new NotSupportedException($"training does not support {layer.Kind} layers yet");
}
