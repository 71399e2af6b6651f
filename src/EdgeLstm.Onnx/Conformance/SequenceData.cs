using EdgeLstm.Onnx.Import;

namespace EdgeLstm.Onnx.Conformance;

/// <summary>The per-run inputs of one recurrent node: X, and optionally sequence_lens, initial_h, initial_c.</summary>
public sealed record SequenceInputs(OnnxTensor X, long[]? SequenceLens = null, OnnxTensor? InitialH = null, OnnxTensor? InitialC = null);

/// <summary>The node's outputs as ONNX defines them: Y (every step), Y_h (last hidden state), Y_c (last LSTM cell state).</summary>
public sealed record SequenceOutputs(OnnxTensor Y, OnnxTensor YH, OnnxTensor? YC);
