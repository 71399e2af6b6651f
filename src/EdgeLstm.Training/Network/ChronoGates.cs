namespace EdgeLstm.Training.Network;

/// <summary>
/// Chrono initialization (Tallec and Ollivier 2018) per cell kind: which gate biases take the
/// per-unit value b = log(1 + U(0, 1) (lag - 2)) so the layer starts out remembering over about lag
/// steps. GRU and the MUT cells: the update gate's bias is b. LSTM and depth-gated LSTM: the input gate's is -b and,
/// unless the gates are coupled, the forget gate's b. Kinds without such gates (RNN, Clockwork) keep
/// their biases; the caller draws b for them all the same, so the random stream is the same for every kind.
/// </summary>
internal static class ChronoGates
{
    private static readonly Dictionary<CellKind, Action<RecurrentLayer, int, float>> Apply = new()
    {
        [CellKind.Gru] = Update,
        [CellKind.Mut1] = Update,
        [CellKind.Mut2] = Update,
        [CellKind.Mut3] = Update,
        [CellKind.Lstm] = Lstm,
        [CellKind.DepthGated] = Lstm,
    };

    /// <summary>GRU and the MUT cells: the update gate z, the share of the old state kept.</summary>
    private static void Update(RecurrentLayer l, int k, float b) => l.Wb[Gates.GruUpdate * l.HiddenSize + k] = b;

    private static void Lstm(RecurrentLayer l, int k, float b)
    {
        l.Wb[Gates.LstmInput * l.HiddenSize + k] = -b;
        if (!l.InputForget) l.Wb[Gates.LstmForget * l.HiddenSize + k] = b;
    }

    /// <summary>Sets unit k's retention gate biases from b (nothing for kinds without retention gates).</summary>
    public static void Set(RecurrentLayer layer, int unit, float b)
    {
        if (Apply.TryGetValue(layer.Kind, out var set)) set(layer, unit, b);
    }
}
