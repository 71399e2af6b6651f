using EdgeLstm.Core.Cells;

namespace EdgeLstm.Training.Network;

/// <summary>
/// The seeded starting point of training, in Core's layout: weights and input-side biases
/// uniform in ±1/sqrt(H) (PyTorch's default for recurrent layers), recurrent biases zero, and
/// the LSTM forget gate biased open (+1, Gers et al. 2000; Jozefowicz et al. 2015) so gradients
/// survive long sequences from the first epoch. For CIFG (f = 1 - i) the same effect needs the
/// input gate biased closed (-1). Head: uniform ±1/sqrt(H), bias zero.
/// With <c>chronoLag</c> &gt; 1 the gate biases follow the chrono initialization of Tallec &amp;
/// Ollivier (2018): b_f = log(u), u uniform in [1, lag - 1], and b_i = -b_f (LSTM); for CIFG the
/// input gate gets -log(u); for GRU the update gate z (the share of the old state kept) gets
/// +log(u). Memory then starts out spanning up to about lag steps.
/// Clockwork RNN: the given module periods (default 1, 2, 4, ...), and the recurrent weights from
/// faster into slower modules zero (the cell has no such connections). Depth-gated LSTM: the
/// first layer is a plain LSTM (the depth gate reads the cell of the layer below, and the input
/// has none); every depth gate's weights and bias are uniform ±1/sqrt(H) like the gates'.
/// An attention head (attentionSteps &gt; 0): W uniform ±1/sqrt(H), v uniform ±1/sqrt(size), B zero,
/// drawn after everything else so a last-state network of the same seed keeps its weights.
/// </summary>
public static class NetworkInitializer
{
    public static FloatNetwork Create(string cell, int inputs, int hidden, int layers, int classes, int seed, float clip = 0f, int chronoLag = 0,
        int[]? periods = null, int attentionSteps = 0, int attentionSize = 0)
    {
        var random = new Random(seed);
        var list = new List<RecurrentLayer>();
        int input = inputs;
        string first = CellRegistry.ForVariant(cell)?.FirstLayerVariant ?? cell;
        for (int i = 0; i < layers; i++)
        {
            var l = CellVariant.CreateLayer(i == 0 ? first : cell, input, hidden);
            l.Clip = clip;
            if (l.Periods is not null && periods is not null) l.Periods = (int[])periods.Clone(); // Clockwork
            float k = 1f / MathF.Sqrt(hidden);
            Fill(random, l.W, k);
            Fill(random, l.R, k);
            Fill(random, l.Wb, k);
            if (l.Peepholes is not null) Fill(random, l.Peepholes, k);
            if (l.Periods is not null) ClearFastIntoSlow(l); // Clockwork
            l.Definition.ApplyFixedWeights(l); // MUT: the cyclic input map, the empty R blocks
            if (l.Depth is { } depth)
            {
                Fill(random, depth.W, k);
                Fill(random, depth.Bias, k);
                Fill(random, depth.CellWeights, k);
                Fill(random, depth.LowerCellWeights, k);
            }
            if (l.Definition.HasCell)
            {
                int gate = l.InputForget ? Gates.LstmInput : Gates.LstmForget;
                float bias = l.InputForget ? -1f : 1f;
                Array.Fill(l.Wb, bias, gate * hidden, hidden);
            }
            if (chronoLag > 1) Chrono(random, l, chronoLag);
            list.Add(l);
            input = hidden;
        }
        var head = new DenseLayer(input, classes);
        Fill(random, head.W, 1f / MathF.Sqrt(input));
        if (attentionSteps <= 0) return new FloatNetwork(list, head);
        var attention = new AttentionPooling(input, attentionSize > 0 ? attentionSize : input, attentionSteps);
        Fill(random, attention.W, 1f / MathF.Sqrt(input));
        Fill(random, attention.V, 1f / MathF.Sqrt(attention.Size));
        return new FloatNetwork(list, head, attention);
    }

    private static void Chrono(Random random, RecurrentLayer l, int lag)
    {
        int hs = l.HiddenSize;
        for (int k = 0; k < hs; k++)
        {
            float b = MathF.Log(1f + (float)random.NextDouble() * (lag - 2));
            ChronoGates.Set(l, k, b);
        }
    }

    /// <summary>Module i reads only modules i.. (at least as slow): R rows of module i are zero before column i k.</summary>
    private static void ClearFastIntoSlow(RecurrentLayer l)
    {
        int k = l.ModuleSize, hs = l.HiddenSize;
        for (int r = 0; r < hs; r++) Array.Clear(l.R, r * hs, r / k * k);
    }

    private static void Fill(Random random, float[] values, float k)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * k;
    }
}
