using EdgeLstm.Training.Optimization;

namespace EdgeLstm.Training.Network;

/// <summary>
/// One trainable array. <see cref="Decay"/> says whether AdamW's decoupled weight decay applies
/// (weights yes, biases no). The layout is the trainer's (recurrent matrices transposed); the
/// optimizer works element by element, so the layout does not matter to it.
/// </summary>
internal sealed record ParameterTensor<T>(string Name, T[] Values, bool Decay) where T : unmanaged, IFloatingPointIeee754<T>;
