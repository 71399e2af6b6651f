namespace EdgeLstm.Core.Model;

/// <summary>
/// The recurrent cell families, each described by its definition in <see cref="Cells.CellRegistry"/>
/// (gates, options, cost, checks, steps); the value is the byte a model file stores. Semantics follow the ONNX RNN, LSTM and GRU operators so that
/// exported models import without re-deriving anything. Peepholes and the coupled input-forget
/// gate are LSTM options (ONNX input P and attribute input_forget), not separate kinds.
/// </summary>
public enum CellKind : byte
{
    /// <summary>Elman RNN: h = tanh(W x + R h + Wb + Rb).</summary>
    Rnn = 1,

    /// <summary>LSTM with forget gate; ONNX gate order i, o, f, c.</summary>
    Lstm = 2,

    /// <summary>GRU; ONNX gate order z, r, h.</summary>
    Gru = 3,

    /// <summary>
    /// Clockwork RNN (Koutník et al. 2014): the hidden units form modules with periods
    /// T_1 &lt; T_2 &lt; ...; at step t (counted from 0 since the last reset) module i computes
    /// h_i = tanh(W_i x + R_i h + Wb_i + Rb_i) only when t mod T_i = 0 and keeps its state
    /// otherwise; R_i reads only modules at least as slow as i.
    /// </summary>
    Clockwork = 4,

    /// <summary>
    /// Depth-gated LSTM (Yao et al. 2015): an LSTM (gate order i, o, f, c) whose cell also
    /// receives the memory cell of the layer below through a depth gate
    /// d = σ(W_d x + b_d + w_cd ⊙ c_prev + w_ld ⊙ c_lower), c = f ⊙ c_prev + i ⊙ g + d ⊙ c_lower.
    /// It sits on an LSTM or depth-gated layer of the same size.
    /// </summary>
    DepthGated = 5,

    /// <summary>
    /// MUT1 (Jozefowicz, Zaremba and Sutskever 2015), gate rows z, r, h: z = σ(W_z x + b_z),
    /// r = σ(W_r x + R_r h + b_r), h' = (1 - z) ⊙ tanh(R_h (r ⊙ h) + tanh(x̃) + b_h) + z ⊙ h, where
    /// x̃_j = x_(j mod I) (the cyclic input map, W's h block) and z is the share of the old state kept
    /// (GRU's convention: the paper's z is 1 - z). See <see cref="Cells.Mut1.Mut1Cell"/>.
    /// </summary>
    Mut1 = 6,

    /// <summary>
    /// MUT2 (Jozefowicz, Zaremba and Sutskever 2015), gate rows z, r, h: z = σ(W_z x + R_z h + b_z),
    /// r = σ(x̃ + R_r h + b_r), h' = (1 - z) ⊙ tanh(W_h x + R_h (r ⊙ h) + b_h) + z ⊙ h, where
    /// x̃_j = x_(j mod I) (the cyclic input map, W's r block) and z is the share of the old state kept.
    /// See <see cref="Cells.Mut2.Mut2Cell"/>.
    /// </summary>
    Mut2 = 7,

    /// <summary>
    /// MUT3 (Jozefowicz, Zaremba and Sutskever 2015), gate rows z, r, h: z = σ(W_z x + R_z tanh(h) + b_z),
    /// r = σ(W_r x + R_r h + b_r), h' = (1 - z) ⊙ tanh(W_h x + R_h (r ⊙ h) + b_h) + z ⊙ h, z the share
    /// of the old state kept. See <see cref="Cells.Mut3.Mut3Cell"/>.
    /// </summary>
    Mut3 = 8,
}

/// <summary>Gate row offsets (in units of the hidden size) of the ONNX gate order.</summary>
public static class Gates
{
    public const int LstmInput = 0, LstmOutput = 1, LstmForget = 2, LstmCell = 3;
    public const int GruUpdate = 0, GruReset = 1, GruHidden = 2;

    /// <summary>Peephole vector order in ONNX's P input: i, o, f.</summary>
    public const int PeepInput = 0, PeepOutput = 1, PeepForget = 2;
}
